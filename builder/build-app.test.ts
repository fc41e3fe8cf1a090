/**
 * Builds of the fixture apps with the real Docker engine, from commits made
 * with the real git binary: what a user gets for each kind of repository.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PaasError } from '../server/errors.js';
import { commitChange } from '../test/support/app-fixtures.js';
import { buildFixture, buildRepo, docker, removeTestImages, requireStackImage } from '../test/support/builder-kit.js';
import { freePort, runInImage, serveImage } from '../test/support/docker-run.js';

before(requireStackImage);
after(removeTestImages);

test('a Dockerfile app is built as it is, keeping the executable bit; web is the image CMD', async (t) => {
  const { result, logs, repo } = await buildFixture(t, 'dockerfile-app', { labels: { 'paas.dev/test': 'dockerfile-app' } });
  assert.equal(result.stack, 'dockerfile');
  assert.equal((await docker.getImage(result.tag).inspect()).Config.Labels?.['paas.dev/test'], 'dockerfile-app');
  assert.ok(repo.commit.length === 40);
  assert.deepEqual(result.processTypes, { web: '' });
  assert.match(result.imageId, /^sha256:[0-9a-f]{64}$/);
  assert.ok(logs.some((line) => /^Step 1\/\d+ : FROM paas\/stack:bookworm$/.test(line)), logs.join('\n'));
  const run = await runInImage(docker, result.tag, ['/bin/sh', '-c', 'test -x /app/bin/run.sh && /app/bin/run.sh && stat -c %a /app/server.js']);
  assert.deepEqual(run, { exitCode: 0, output: 'run.sh is executable\n644\n' });
});

test('a Node app without lockfile: npm install, served by its start script; an app-code-only push reuses the install layer', async (t) => {
  const first = await buildFixture(t, 'node-app');
  assert.equal(first.result.stack, 'node');
  assert.deepEqual(first.result.processTypes, { web: 'node server.js' }, 'the start script, run without npm');
  assert.ok(first.logs.includes('-----> Node.js app detected (no lockfile: npm install)'), first.logs.join('\n'));
  const served = await serveImage(docker, first.result.tag, await freePort());
  try {
    assert.equal(await (await fetch(served.url)).text(), 'hello from node-app v1\n');
  } finally {
    await served.stop();
  }

  // A fresh greeting each run: the engine's cache outlives test runs, and a
  // change built before would rightly come from the cache.
  const greeting = `hello from node-app v2 ${randomBytes(4).toString('hex')}`;
  const commit = await commitChange(first.repo, { 'greeting.js': `exports.greeting = '${greeting}';\n` }, 'new greeting');
  const second = await buildRepo(first.repo, 'node-app-v2', { commit });
  const install = second.logs.findIndex((line) => /^Step \d+\/\d+ : RUN npm install/.test(line));
  assert.ok(install >= 0, second.logs.join('\n'));
  assert.equal(second.logs[install + 1]?.trim(), '---> Using cache', 'the install step is cached');
  const copySource = second.logs.findIndex((line) => /^Step \d+\/\d+ : COPY app\/ \.\/$/.test(line));
  assert.notEqual(second.logs[copySource + 1]?.trim(), '---> Using cache', 'the changed source is copied again');
  const servedAgain = await serveImage(docker, second.result.tag, await freePort());
  try {
    assert.equal(await (await fetch(servedAgain.url)).text(), `${greeting}\n`);
  } finally {
    await servedAgain.stop();
  }
});

test('a static site is served by our file server on $PORT with Content-Types and 404s', async (t) => {
  const { result, logs } = await buildFixture(t, 'static-site');
  assert.equal(result.stack, 'static');
  assert.deepEqual(result.processTypes, { web: 'node /opt/paas/static-server.js /app/public' });
  assert.ok(logs.includes('-----> Static site detected (serving public/)'), logs.join('\n'));
  const served = await serveImage(docker, result.tag, await freePort());
  try {
    const home = await fetch(served.url);
    assert.equal(home.status, 200);
    assert.equal(home.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.match(await home.text(), /hello from a static site/);
    const css = await fetch(`${served.url}/css/site.css`);
    assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
    await css.arrayBuffer();
    const missing = await fetch(`${served.url}/missing`);
    assert.equal(missing.status, 404);
    await missing.arrayBuffer();
  } finally {
    await served.stop();
  }
});

test('a Procfile gives web and worker; the image runs web by default and the worker command works', async (t) => {
  const { result } = await buildFixture(t, 'procfile-app');
  assert.deepEqual(result.processTypes, { web: 'node web.js', worker: 'node worker.js --queue default' });
  const info = await docker.getImage(result.tag).inspect();
  assert.deepEqual(info.Config.Cmd, ['/bin/sh', '-c', 'node web.js']);
  const worker = await runInImage(docker, result.tag, ['/bin/sh', '-c', result.processTypes.worker!]);
  assert.deepEqual(worker, { exitCode: 0, output: 'worker started --queue default\n' });
});

test('a repository paas cannot build fails before Docker, saying what it looks for', async (t) => {
  await assert.rejects(buildFixture(t, 'undetectable'), (err: unknown) => {
    assert.ok(err instanceof PaasError);
    assert.equal(err.code, 'BUILD_FAILED');
    assert.match(err.message, /no Dockerfile, package\.json, index\.html or public\/ directory/);
    return true;
  });
});

test('symlinks to host files end up in the image as links, never as the host files', async (t) => {
  // A file only this host has: if the builder followed links on the host, its content would be in the image.
  const secret = `host-only-${randomBytes(8).toString('hex')}`;
  const secretFile = join(tmpdir(), `paas-secret-${secret}.txt`);
  await writeFile(secretFile, secret);
  t.after(() => rm(secretFile, { force: true }));
  const links = {
    'secret-abs': secretFile,
    'secret-rel': `../../../../../../../..${secretFile}`,
    passwd: '/etc/passwd',
    up: '../../..',
  };
  const { result } = await buildFixture(t, 'symlink-escape', { extra: { symlinks: links } });
  const script = `const fs = require('fs');
    const out = {};
    for (const name of ${JSON.stringify(Object.keys(links))}) {
      const p = '/app/' + name;
      out[name] = { link: fs.lstatSync(p).isSymbolicLink(), target: fs.readlinkSync(p) };
    }
    out.secretReadable = ['abs', 'rel'].map((k) => { try { return fs.readFileSync('/app/secret-' + k, 'utf8'); } catch (e) { return e.code; } });
    console.log(JSON.stringify(out));`;
  const run = await runInImage(docker, result.tag, ['node', '-e', script]);
  assert.equal(run.exitCode, 0, run.output);
  const seen = JSON.parse(run.output) as Record<string, unknown>;
  assert.deepEqual(seen, {
    'secret-abs': { link: true, target: secretFile },
    'secret-rel': { link: true, target: links['secret-rel'] },
    passwd: { link: true, target: '/etc/passwd' },
    up: { link: true, target: '../../..' },
    secretReadable: ['ENOENT', 'ENOENT'],
  });
  const grep = await runInImage(docker, result.tag, ['grep', '-rl', secret, '/app', '/tmp', '/etc']);
  assert.equal(grep.output, '', 'the host file content is nowhere in the image');
});
