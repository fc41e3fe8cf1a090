/**
 * Build settings for networks behind a TLS-intercepting proxy: the extra CA
 * bundle and the npm registry reach `npm ci` inside the build, and nothing
 * of them reaches the final image: not its filesystem, its config (Env) or
 * its history (`docker history --no-trunc`).
 *
 * This machine reaches registry.npmjs.org through such a proxy; the CA bundle
 * that trusts it is the file named by $NODE_EXTRA_CA_CERTS. The dependency
 * comes from the public npm registry (the one network access in the builder
 * tests, from inside the build, as in production).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { buildFixture, docker, removeTestImages, requireStackImage } from '../test/support/builder-kit.js';
import { runInImage } from '../test/support/docker-run.js';

before(requireStackImage);
after(removeTestImages);

const caFile = process.env['NODE_EXTRA_CA_CERTS'];
const REGISTRY = 'https://registry.npmjs.org/';

test('a lockfile app installs its dependency with the extra CA and registry, and the image keeps neither', async (t) => {
  // PEM readers skip text outside BEGIN/END blocks: the marker shows where the bundle went.
  const marker = `paas-ca-marker-${randomBytes(6).toString('hex')}`;
  const extraCaCerts = `# ${marker}\n${caFile ? await readFile(caFile, 'utf8') : ''}`;
  const { result, logs } = await buildFixture(t, 'node-lockfile-app', { settings: { extraCaCerts, npmRegistry: REGISTRY } });
  assert.ok(logs.includes('-----> Node.js app detected (package-lock.json: npm ci)'), logs.join('\n'));
  assert.ok(logs.some((line) => /^added 1 package/.test(line)), logs.join('\n'));

  const works = await runInImage(docker, result.tag, ['node', '-e', "console.log(require('ms')('2 days'))"]);
  assert.deepEqual(works, { exitCode: 0, output: '172800000\n' });

  const image = docker.getImage(result.tag);
  const history = (await image.history()) as Array<{ CreatedBy: string }>;
  const createdBy = history.map((h) => h.CreatedBy).join('\n');
  for (const unwanted of ['paas-build', 'NODE_EXTRA_CA_CERTS', 'NPM_CONFIG', 'npm ci', REGISTRY, marker]) {
    assert.ok(!createdBy.includes(unwanted), `history mentions ${unwanted}:\n${createdBy}`);
  }
  const env = (await image.inspect()).Config.Env ?? [];
  assert.ok(!env.some((e) => /NODE_EXTRA_CA_CERTS|npm_config|NPM_CONFIG/i.test(e)), env.join('\n'));

  const files = await runInImage(docker, result.tag, ['/bin/sh', '-c',
    `test ! -e /paas-build && test ! -e /app/paas && test ! -e /app/.npmrc && ! grep -rqs ${marker} / --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev && echo clean`], { timeoutMs: 60_000 });
  assert.deepEqual(files, { exitCode: 0, output: 'clean\n' });
});
