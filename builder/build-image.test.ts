/**
 * How builds fail, with the real engine: a failing step, a timeout, a
 * cancelled push, and an engine that refuses the request.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PaasError } from '../server/errors.js';
import { buildImage } from './build-image.js';
import { packContext } from './context-tar.js';
import { buildFixture, docker, removeTestImages, requireStackImage, testImageTag } from '../test/support/builder-kit.js';

before(requireStackImage);
after(removeTestImages);

test('a failing step is BUILD_FAILED naming the step, with its last output', async (t) => {
  const logs: string[] = [];
  await assert.rejects(buildFixture(t, 'failing-app', { onLog: (line) => logs.push(line) }), (err: unknown) => {
    assert.ok(err instanceof PaasError);
    assert.equal(err.code, 'BUILD_FAILED');
    assert.match(err.message, /^Build failed at step 3\/4 \(RUN echo "about to fail" && exit 3\): The command .* returned a non-zero code: 3/);
    assert.match(err.message, /Last output:\n(.*\n)*about to fail/);
    assert.ok(!/---> |Removing intermediate container/.test(err.message), 'engine bookkeeping lines are left out');
    assert.match(err.hint ?? '', /push again/);
    return true;
  });
  assert.ok(logs.includes('about to fail'), 'the step output was streamed');
  assert.ok(!logs.includes('never reached'), 'the build stopped at the failing step');
});

test('a build over its time limit is aborted with BUILD_TIMEOUT; output arrived live; the step container goes away', async (t) => {
  const logs: { at: number; line: string }[] = [];
  const started = Date.now();
  await assert.rejects(
    buildFixture(t, 'slow-build', { timeoutMs: 2000, onLog: (line) => logs.push({ at: Date.now() - started, line }) }),
    (err: unknown) => {
      assert.ok(err instanceof PaasError);
      assert.equal(err.code, 'BUILD_TIMEOUT');
      assert.match(err.message, /^Build timed out after 2 s during step 2\/2 \(RUN echo "starting a very slow step" && sleep 600\)/);
      return true;
    },
  );
  const elapsed = Date.now() - started;
  assert.ok(elapsed < 10_000, `gave up after ${elapsed} ms`);
  const slow = logs.find((l) => l.line === 'starting a very slow step');
  assert.ok(slow, 'the step output was forwarded while the step still ran');

  // The engine cancels a build whose client went away and removes its container.
  let left: string[] = [];
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const containers = await docker.listContainers({ all: true });
    left = containers.filter((c) => c.Command.includes('starting a very slow step')).map((c) => `${c.Id.slice(0, 12)} ${c.State}`);
    if (left.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.deepEqual(left, [], 'no build container left behind');
});

test('a caller abort cancels the build', async () => {
  const controller = new AbortController();
  const context = packContext([{ path: 'Dockerfile', mode: 'file', content: 'FROM paas/stack:bookworm\nRUN sleep 600\n' }]);
  setTimeout(() => controller.abort(), 500);
  await assert.rejects(
    buildImage({ docker, context, tag: testImageTag('cancelled'), onLog: () => {}, timeoutMs: 60_000, signal: controller.signal, networkMode: 'host' }),
    (err: unknown) => err instanceof PaasError && err.code === 'BUILD_FAILED' && /cancelled/.test(err.message),
  );
});

test('a Dockerfile the engine cannot parse is BUILD_FAILED with the engine message', async () => {
  const context = packContext([{ path: 'Dockerfile', mode: 'file', content: 'FORM paas/stack:bookworm\n' }]);
  await assert.rejects(
    buildImage({ docker, context, tag: testImageTag('unparsable'), onLog: () => {}, timeoutMs: 30_000 }),
    (err: unknown) => {
      assert.ok(err instanceof PaasError);
      assert.equal(err.code, 'BUILD_FAILED');
      assert.match(err.message, /unknown instruction: FORM/i);
      return true;
    },
  );
});

test('a base image that does not exist fails with the engine reason', async () => {
  // A loopback registry that is not there: the engine's pull attempt stays on this machine.
  const context = packContext([{ path: 'Dockerfile', mode: 'file', content: 'FROM 127.0.0.1:9/paas-test-missing:none\n' }]);
  await assert.rejects(
    buildImage({ docker, context, tag: testImageTag('missing-base'), onLog: () => {}, timeoutMs: 30_000 }),
    (err: unknown) => err instanceof PaasError && err.code === 'BUILD_FAILED' && /step 1\/1 \(FROM 127\.0\.0\.1:9\/paas-test-missing:none\)/.test(err.message),
  );
});
