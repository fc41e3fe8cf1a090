/**
 * Tag and push to a registry (a throwaway docker-registry on loopback): the
 * digest we return is the one the registry serves for the tag.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PaasError } from '../server/errors.js';
import { appImageRepository, releaseImageTag } from './image-names.js';
import { pushImage } from './push-image.js';
import { buildImage } from './build-image.js';
import { packContext } from './context-tar.js';
import { docker, removeTestImages, testImageTag } from '../test/support/builder-kit.js';
import { removeImages } from '../test/support/docker-run.js';
import { registryManifestDigest, startTestRegistry, type TestRegistry } from '../test/support/registry.js';

let registry: TestRegistry;
const pushedRefs: string[] = [];

before(async () => {
  registry = await startTestRegistry();
});

/** A one-file image: pushing the 350 MB stack image layer would take ~20 s and prove nothing more. */
async function buildTinyImage(name: string): Promise<{ imageId: string }> {
  const context = packContext([
    { path: 'Dockerfile', mode: 'file', content: 'FROM scratch\nCOPY hello.txt /\n' },
    { path: 'hello.txt', mode: 'file', content: `hello ${name}\n` },
  ]);
  return buildImage({ docker, context, tag: testImageTag(name), onLog: () => {}, timeoutMs: 30_000 });
}
after(async () => {
  await removeImages(docker, pushedRefs);
  await removeTestImages();
  await registry?.stop();
});

test('a pushed image returns the digest the registry reports for its tag', async () => {
  const result = await buildTinyImage('push');
  const repository = appImageRepository({ registry: registry.host, app: 'paas-test-push' });
  const tag = releaseImageTag(3);
  const logs: string[] = [];
  const pushed = await pushImage({ docker, imageId: result.imageId, repository, tag, push: true, timeoutMs: 60_000, onLog: (line) => logs.push(line) });
  pushedRefs.push(pushed.reference);
  assert.equal(pushed.reference, `${registry.host}/paas-test-push:v3`);
  assert.equal(pushed.pushed, true);
  assert.match(pushed.digest, /^sha256:[0-9a-f]{64}$/);
  assert.equal(pushed.digest, await registryManifestDigest(registry, 'paas-test-push', 'v3'));
  assert.ok(logs.some((line) => line.startsWith(`v3: digest: ${pushed.digest}`)), logs.join('\n'));
  assert.ok(!logs.some((line) => /^(Preparing|Waiting|Pushing)$/.test(line.split(': ').pop() ?? '')), 'no per-layer progress noise');
});

test('without a registry the image is only tagged, and its id stands in for the digest', async () => {
  const result = await buildTinyImage('local');
  const repository = appImageRepository({ app: 'paas-test-local' });
  const pushed = await pushImage({ docker, imageId: result.imageId, repository, tag: 'v1', push: false, timeoutMs: 10_000 });
  pushedRefs.push(pushed.reference);
  assert.deepEqual(pushed, { reference: 'paas-apps/paas-test-local:v1', digest: result.imageId, pushed: false });
  assert.equal((await docker.getImage(pushed.reference).inspect()).Id, result.imageId);
});

test('a registry that is not there is UNAVAILABLE with a hint', async () => {
  const result = await buildTinyImage('nowhere');
  const pushed = pushImage({ docker, imageId: result.imageId, repository: '127.0.0.1:9/paas-test-nowhere', tag: 'v1', push: true, timeoutMs: 30_000 });
  pushedRefs.push('127.0.0.1:9/paas-test-nowhere:v1');
  await assert.rejects(pushed, (err: unknown) => {
    assert.ok(err instanceof PaasError);
    assert.equal(err.code, 'UNAVAILABLE');
    assert.match(err.message, /Could not push 127\.0\.0\.1:9\/paas-test-nowhere:v1/);
    assert.match(err.hint ?? '', /registry/);
    return true;
  });
});
