import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileRoutes, EJECT_MS, pickEndpoint, pickRelease, pickRetryTarget, type CompiledApp } from './compiled-routes.js';
import { tableOf } from './proxy-fixtures.js';

function app(releases: [number, number, number[]][]): CompiledApp {
  return compileRoutes(tableOf('web', releases)).get('web')!;
}

function picks(a: CompiledApp, n: number): number[] {
  return Array.from({ length: n }, () => pickRelease(a)?.release ?? -1);
}

test('smooth weighted round robin is exact over every 100 picks and never bursts', () => {
  const a = app([[1, 80, [1]], [2, 20, [2]]]);
  const seq = picks(a, 500);
  assert.equal(seq.filter((r) => r === 1).length, 400);
  // 80/20 is 4:1: never two picks of the minor release in a row.
  assert.ok(!seq.some((r, i) => r === 2 && seq[i + 1] === 2));
});

test('three-way weights', () => {
  const seq = picks(app([[1, 50, [1]], [2, 30, [2]], [3, 20, [3]]]), 100);
  assert.deepEqual([1, 2, 3].map((r) => seq.filter((x) => x === r).length), [50, 30, 20]);
});

test('100/0 sends everything to the weighted release', () => {
  assert.deepEqual(new Set(picks(app([[1, 0, [1]], [2, 100, [2]]]), 50)), new Set([2]));
});

test('a weighted release with no endpoints gets nothing; the rest share', () => {
  assert.deepEqual(new Set(picks(app([[1, 90, []], [2, 10, [2]]]), 20)), new Set([2]));
});

test('ready releases all at weight 0 are still served, round robin', () => {
  assert.deepEqual(picks(app([[1, 0, [1]], [2, 0, [2]], [3, 100, []]]), 4), [1, 2, 1, 2]);
});

test('no endpoints anywhere: no release', () => {
  assert.equal(pickRelease(app([[1, 100, []]])), undefined);
  assert.equal(pickRelease(app([])), undefined);
});

test('endpoints round robin, skipping ejected ones while others are healthy', () => {
  const release = app([[1, 100, [10, 11, 12]]]).ready[0]!;
  const ports = (n: number, now: number) => Array.from({ length: n }, () => pickEndpoint(release, now).port);
  assert.deepEqual(ports(6, 0), [10, 11, 12, 10, 11, 12]);
  release.endpoints[1]!.ejectedUntil = 1000 + EJECT_MS;
  assert.deepEqual(ports(4, 1000), [10, 12, 10, 12]);
  assert.deepEqual(ports(3, 1000 + EJECT_MS), [10, 11, 12]);
  for (const e of release.endpoints) e.ejectedUntil = 5000;
  assert.equal(ports(3, 0).length, 3, 'all ejected: still answers');
});

test('retry targets: same release first, then other releases, never a tried endpoint', () => {
  const a = app([[1, 100, [10, 11]], [2, 0, [20]]]);
  const [v1, v2] = a.ready as [typeof a.ready[0], typeof a.ready[0]];
  const e10 = v1.endpoints[0]!;
  const first = pickRetryTarget(a, v1, [e10], 0);
  assert.equal(first?.endpoint.port, 11);
  const second = pickRetryTarget(a, v1, [e10, first!.endpoint], 0);
  assert.equal(second?.endpoint.port, 20);
  assert.equal(second?.release, v2);
  assert.equal(pickRetryTarget(a, v1, [e10, first!.endpoint, second!.endpoint], 0), undefined);
});

test('a new table starts with fresh state and keeps release labels', () => {
  const routes = compileRoutes(tableOf('web', [[12, 100, [1]]]));
  assert.equal(routes.get('web')?.ready[0]?.label, 'v12');
  assert.equal(routes.get('other'), undefined);
});
