import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyedRuns } from './keyed-runs.js';

test('runs of one key never overlap, a burst during a run costs one more run, and other keys run alongside', async () => {
  const log: string[] = [];
  let active = 0;
  let maxActive = 0;
  const runs = new KeyedRuns(async (key) => {
    active++;
    maxActive = Math.max(maxActive, active);
    log.push(`start ${key}`);
    await new Promise((r) => setTimeout(r, 20));
    log.push(`end ${key}`);
    active--;
  });
  const first = runs.request('a');
  await new Promise((r) => setTimeout(r, 5));
  const burst = [runs.request('a'), runs.request('a'), runs.request('a')];
  assert.equal(burst[0], burst[2], 'requests while a run is queued share that run');
  const other = runs.request('b');
  await Promise.all([first, ...burst, other]);
  await runs.idle();
  assert.deepEqual(log.filter((l) => l.endsWith(' a')), ['start a', 'end a', 'start a', 'end a']);
  assert.equal(maxActive, 2, 'a and b overlapped; two runs of a never did');
});

test('a failed run rejects its callers but does not stop the next one', async () => {
  let n = 0;
  const runs = new KeyedRuns(async () => {
    n++;
    if (n === 1) throw new Error('boom');
  });
  await assert.rejects(runs.request('a'), /boom/);
  await runs.request('a');
  assert.equal(n, 2);
});

test('requests made from inside runs and between microtasks are never lost (randomized)', async () => {
  const done = new Map<string, number>();
  let requested = 0;
  const runs = new KeyedRuns(async (key) => {
    done.set(key, (done.get(key) ?? 0) + 1);
    const r = Math.random();
    if (r < 0.3) return;
    if (r < 0.6) {
      await null;
      if (Math.random() < 0.3) void runs.request(key);
      return;
    }
    await new Promise((res) => setTimeout(res, Math.random() * 2));
  });
  const all: Promise<void>[] = [];
  for (let i = 0; i < 2000; i++) {
    requested++;
    all.push(runs.request(`k${i % 3}`));
    if (i % 7 === 0) await new Promise((r) => setTimeout(r, 0));
    if (i % 5 === 0) await null;
  }
  await Promise.all(all);
  await runs.idle();
  assert.ok(requested > 0);
  assert.ok([...done.values()].every((n) => n > 0));
});
