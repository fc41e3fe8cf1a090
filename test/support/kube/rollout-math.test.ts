/**
 * Table tests of the deployment controller's arithmetic
 * (deployment_util.go ResolveFenceposts, NewRSNewReplicas and rolling.go
 * reconcileOldReplicaSets), given ReplicaSet sizes and availability.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { maxSurge, maxUnavailable, newRSNewReplicas, planOldScaleDown, resolveFenceposts, type DeploymentView, type RSView } from './controllers/deployment/rollout-math.js';

const rs = (name: string, replicas: number, available = replicas, created = 0): RSView => ({ name, replicas, statusReplicas: replicas, available, created, annotations: {} });
const d = (replicas: number, maxSurge: number | string, maxUnavailable: number | string): DeploymentView => ({ replicas, rolling: true, maxSurge, maxUnavailable });

describe('rollout arithmetic', () => {
  test('fenceposts: surge rounds up, unavailable down, never both zero', () => {
    assert.deepEqual(resolveFenceposts(d(4, '25%', '25%')), { surge: 1, unavailable: 1 });
    assert.deepEqual(resolveFenceposts(d(3, '25%', '25%')), { surge: 1, unavailable: 0 });
    assert.deepEqual(resolveFenceposts(d(1, '10%', '10%')), { surge: 1, unavailable: 0 });
    assert.deepEqual(resolveFenceposts(d(10, 0, '5%')), { surge: 0, unavailable: 1 });
    assert.equal(maxUnavailable(d(2, 0, 5)), 2, 'capped at replicas');
    assert.equal(maxUnavailable({ replicas: 3, rolling: false }), 0);
    assert.equal(maxSurge(d(10, '30%', 0)), 3);
  });

  const table: { name: string; d: DeploymentView; old: RSView[]; next: RSView; wantNew: number; wantOld: number[] }[] = [
    { name: 'first step of 3 with surge 1', d: d(3, 1, 0), old: [rs('old', 3)], next: rs('new', 0), wantNew: 1, wantOld: [3] },
    { name: 'surge used up: old may shrink once the new pod is available', d: d(3, 1, 0), old: [rs('old', 3)], next: rs('new', 1, 1), wantNew: 1, wantOld: [2] },
    { name: 'new pod not available yet: nothing shrinks', d: d(3, 1, 0), old: [rs('old', 3)], next: rs('new', 1, 0), wantNew: 1, wantOld: [3] },
    { name: 'maxUnavailable 1 lets an old pod go before the new is ready', d: d(4, 0, 1), old: [rs('old', 4)], next: rs('new', 0), wantNew: 0, wantOld: [3] },
    { name: 'unavailable old pods go first, oldest set first', d: d(4, 1, 0), old: [rs('a', 2, 1, 1), rs('b', 2, 2, 2)], next: rs('new', 1, 1, 3), wantNew: 1, wantOld: [1, 2] },
  ];
  for (const row of table) {
    test(row.name, () => {
      const all = [...row.old, row.next];
      assert.equal(newRSNewReplicas(row.d, all, row.next), row.wantNew);
      const old = row.old.map((r) => ({ ...r }));
      planOldScaleDown(row.d, old, row.next);
      assert.deepEqual(old.map((r) => r.replicas), row.wantOld);
    });
  }
});
