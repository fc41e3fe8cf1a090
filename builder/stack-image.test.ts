/**
 * The stack image command, without running debootstrap (that takes minutes
 * and the network: it is exercised by `paas-server stacks:build`): flag
 * parsing, keeping an existing image, and refusing to start without root.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Docker from 'dockerode';
import { PaasError } from '../server/errors.js';
import { ensureStackImage, STACK_IMAGE_DEFAULT } from './stack-image.js';
import { parseStacksBuildFlags } from './stacks-build-command.js';

const docker = new Docker({ socketPath: '/var/run/docker.sock' });

test('stacks:build flags', () => {
  assert.deepEqual(parseStacksBuildFlags([]), { force: false });
  assert.deepEqual(parseStacksBuildFlags(['--force', '--tag', 'me/stack:1', '--mirror=http://mirror/debian', '--cache-dir', '/var/cache/paas']), {
    force: true, tag: 'me/stack:1', mirror: 'http://mirror/debian', cacheDir: '/var/cache/paas',
  });
  assert.throws(() => parseStacksBuildFlags(['--tag', '--bogus']), (err: unknown) => {
    assert.ok(err instanceof PaasError);
    assert.equal(err.code, 'BAD_REQUEST');
    assert.match(err.message, /unknown argument "--bogus"/);
    assert.match(err.hint ?? '', /Usage: paas-server stacks:build/);
    return true;
  });
});

test('an existing stack image is kept unless forced', { skip: await exists(STACK_IMAGE_DEFAULT) ? false : `${STACK_IMAGE_DEFAULT} not built here` }, async () => {
  const lines: string[] = [];
  const result = await ensureStackImage({ docker, isRoot: false, progress: (line) => lines.push(line) });
  assert.equal(result.built, false);
  assert.equal(result.imageId, (await docker.getImage(STACK_IMAGE_DEFAULT).inspect()).Id);
  assert.match(lines.join('\n'), /already exists .*use --force to rebuild it/);
});

test('building needs root, and says so before doing anything', async () => {
  await assert.rejects(ensureStackImage({ docker, tag: 'paas-test-builder/stack:absent', isRoot: false, progress: () => {} }), (err: unknown) => {
    assert.ok(err instanceof PaasError);
    assert.equal(err.code, 'FORBIDDEN');
    assert.match(err.hint ?? '', /as root/);
    return true;
  });
});

async function exists(ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch {
    return false;
  }
}
