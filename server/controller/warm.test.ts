import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Release } from '../store/types.js';
import { instanceSetsToKeep } from './warm.js';

const r = (version: number, status: Release['status'] = 'succeeded', runsOn = version): Release => ({
  appId: 1, version, runsOn, status, buildId: null, image: 'i', digest: null, config: {}, processTypes: { web: '' },
  description: '', createdBy: '', createdAt: new Date(0), error: null, ranReleasePhase: false,
});

test('keeps the serving release and the warm window of earlier good ones', () => {
  const table: [string, Release[], number, number, number[]][] = [
    ['one warm by default', [r(1), r(2), r(3)], 3, 1, [3, 2]],
    ['warm window of 0 keeps only the live one', [r(1), r(2), r(3)], 3, 0, [3]],
    ['failed releases never count as warm', [r(1), r(2), r(3, 'failed'), r(4)], 4, 1, [4, 2]],
    ['a rollback release is served by its target instances', [r(1), r(2), r(3, 'succeeded', 1)], 3, 1, [1, 2]],
    ['releases newer than the serving one are not kept', [r(1), r(2), r(3)], 2, 1, [2, 1]],
    ['window of 2', [r(1), r(2), r(3), r(4)], 4, 2, [4, 3, 2]],
  ];
  for (const [name, releases, serving, warm, want] of table) {
    const keep = instanceSetsToKeep(releases, [{ version: serving, weight: 100 }], warm);
    assert.deepEqual([...keep].sort(), [...want].sort(), name);
  }
});

test('a release in the traffic table at weight 0 (being rolled out) keeps its set without using a warm slot', () => {
  const keep = instanceSetsToKeep([r(1), r(2), r(3, 'pending')], [{ version: 2, weight: 100 }, { version: 3, weight: 0 }], 1);
  assert.deepEqual([...keep].sort(), [1, 2, 3]);
});
