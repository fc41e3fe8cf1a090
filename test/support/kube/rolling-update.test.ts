/**
 * Rolling updates as the deployment controller performs them: a template
 * change (here the restartedAt annotation `kubectl rollout restart`
 * writes) replaces pods without ever exceeding replicas + maxSurge pods or
 * dropping below replicas - maxUnavailable ready ones, sampled throughout;
 * old ReplicaSets beyond revisionHistoryLimit are deleted.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { appDeployment, createNamespace, eventually, startKit, strategicPatch, type Kit } from './test-kit.js';

const isReady = (p: any): boolean => (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');

async function restart(kit: Kit, name: string, at: string): Promise<void> {
  await kit.apps.patchNamespacedDeployment(
    { namespace: 'roll', name, body: { spec: { template: { metadata: { annotations: { 'paas.dev/restartedAt': at } } } } } },
    strategicPatch,
  );
}

function rolledOut(kit: Kit, name: string, replicas: number): boolean {
  const d = kit.kube.get('deployments', 'roll', name);
  return (
    d?.status?.observedGeneration === d?.metadata.generation &&
    d?.status?.updatedReplicas === replicas &&
    d?.status?.readyReplicas === replicas &&
    d?.status?.availableReplicas === replicas &&
    d?.status?.replicas === replicas
  );
}

async function sampledRollout(kit: Kit, name: string, replicas: number, at: string): Promise<{ maxPods: number; minReady: number }> {
  let maxPods = 0;
  let minReady = Infinity;
  const sample = (): void => {
    const live = kit.kube.list('pods', 'roll').filter((p) => !p.metadata.deletionTimestamp && p.metadata.labels?.app === name);
    maxPods = Math.max(maxPods, live.length);
    minReady = Math.min(minReady, live.filter(isReady).length);
  };
  const timer = setInterval(sample, 5);
  try {
    await restart(kit, name, at);
    await eventually('the rollout to finish', () => rolledOut(kit, name, replicas) && kit.kube.list('pods', 'roll').every((p) => p.metadata.annotations?.['paas.dev/restartedAt'] === at), 15_000);
    sample();
  } finally {
    clearInterval(timer);
  }
  return { maxPods, minReady };
}

describe('kube double: rolling updates', () => {
  test('maxSurge 1, maxUnavailable 0: never more than 5 pods, never fewer than 4 ready', async () => {
    const kit = await startKit();
    try {
      await createNamespace(kit, 'roll');
      await kit.apps.createNamespacedDeployment({
        namespace: 'roll',
        body: appDeployment('web', { replicas: 4, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }),
      });
      await eventually('initial rollout', () => rolledOut(kit, 'web', 4));
      const { maxPods, minReady } = await sampledRollout(kit, 'web', 4, '2025-01-01T00:00:00Z');
      assert.ok(maxPods <= 5, `at most replicas + maxSurge pods (saw ${maxPods})`);
      assert.ok(minReady >= 4, `at least replicas - maxUnavailable ready pods (saw ${minReady})`);
      const d = kit.kube.get('deployments', 'roll', 'web');
      assert.equal(d?.metadata.annotations['deployment.kubernetes.io/revision'], '2');
      const rss = kit.kube.list('replicasets', 'roll');
      assert.equal(rss.length, 2);
      assert.deepEqual(rss.map((r) => r.spec.replicas).sort(), [0, 4]);
      const events = kit.kube.list('events', 'roll').filter((e) => e.reason === 'ScalingReplicaSet').map((e) => e.message);
      assert.ok(events.some((m) => /^Scaled down replica set web-[a-z0-9]+ to 3 from 4$/.test(m)), events.join('\n'));
    } finally {
      await kit.close();
    }
  });

  test('percentages (25% of 4: surge 1 rounded up, unavailable 1 rounded down) and revisionHistoryLimit', async () => {
    const kit = await startKit();
    try {
      await createNamespace(kit, 'roll');
      const body = appDeployment('api', { replicas: 4 });
      body.spec!.revisionHistoryLimit = 1;
      await kit.apps.createNamespacedDeployment({ namespace: 'roll', body });
      await eventually('initial rollout', () => rolledOut(kit, 'api', 4));
      const { maxPods, minReady } = await sampledRollout(kit, 'api', 4, 'first');
      assert.ok(maxPods <= 5, `at most 5 pods (saw ${maxPods})`);
      assert.ok(minReady >= 3, `at least 3 ready (saw ${minReady})`);
      await sampledRollout(kit, 'api', 4, 'second');
      await eventually('old ReplicaSets pruned to the history limit', () => kit.kube.list('replicasets', 'roll').length === 2);
      const revisions = kit.kube.list('replicasets', 'roll').map((r) => r.metadata.annotations['deployment.kubernetes.io/revision']).sort();
      assert.deepEqual(revisions, ['2', '3']);
    } finally {
      await kit.close();
    }
  });
});
