import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { isPaasError } from '../../errors.js';
import { createSerialQueue, findFreePort, isPortBindable, nextIndex, portCandidates } from './ports.js';

test('candidates start at the given port, wrap around and skip held ports', () => {
  assert.deepEqual([...portCandidates({ from: 100, to: 104 }, new Set([103]), 102)], [102, 104, 100, 101]);
});

test('findFreePort skips ports held by paas and ports busy on the host', async () => {
  const busy = new Set([20001]);
  const port = await findFreePort({
    range: { from: 20000, to: 20003 }, held: new Set([20000]), host: '127.0.0.1',
    probe: async (p) => !busy.has(p), random: () => 20000,
  });
  assert.equal(port, 20002);
});

test('findFreePort fails with a hint when the range is full', async () => {
  await assert.rejects(
    findFreePort({ range: { from: 20000, to: 20001 }, held: new Set([20000]), host: '127.0.0.1', probe: async () => false }),
    (err) => isPaasError(err) && err.code === 'UNAVAILABLE' && err.hint !== undefined,
  );
});

test('isPortBindable sees a real listener on 127.0.0.1', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  try {
    assert.equal(await isPortBindable(port, '127.0.0.1'), false);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  assert.equal(await isPortBindable(port, '127.0.0.1'), true);
});

test('the serial queue never overlaps tasks and survives a failing one', async () => {
  const serial = createSerialQueue();
  let running = 0;
  let maxRunning = 0;
  const task = (fail: boolean) => serial(async () => {
    running++;
    maxRunning = Math.max(maxRunning, running);
    await new Promise((resolve) => setTimeout(resolve, 5));
    running--;
    if (fail) throw new Error('boom');
    return 1;
  });
  const results = await Promise.allSettled([task(false), task(true), task(false)]);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.equal(maxRunning, 1);
});

test('nextIndex reuses the lowest free instance number', () => {
  assert.equal(nextIndex(new Set()), 1);
  assert.equal(nextIndex(new Set([1, 3])), 2);
});
