/**
 * Garbage collection by owner references: background cascades
 * (Deployment -> ReplicaSets -> Pods, Service -> EndpointSlices), Orphan
 * keeps dependents and strips their references, Foreground deletes
 * dependents before the owner, and an object with two owners stays until
 * both are gone.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { appDeployment, createNamespace, eventually, startKit } from './test-kit.js';

describe('kube double: garbage collection', () => {
  test('background, orphan and foreground propagation; several owners', async () => {
    const kit = await startKit();
    try {
      await createNamespace(kit, 'gc');
      await kit.apps.createNamespacedDeployment({ namespace: 'gc', body: appDeployment('bg', { replicas: 2 }) });
      await kit.core.createNamespacedService({ namespace: 'gc', body: { metadata: { name: 'bg' }, spec: { selector: { app: 'bg' }, ports: [{ port: 80 }] } } });
      await eventually('2 ready', () => kit.kube.get('deployments', 'gc', 'bg')?.status?.readyReplicas === 2);
      await eventually('a slice', () => kit.kube.list('endpointslices', 'gc').length === 1);
      await kit.apps.deleteNamespacedDeployment({ namespace: 'gc', name: 'bg' });
      await kit.core.deleteNamespacedService({ namespace: 'gc', name: 'bg' });
      await eventually('ReplicaSets, pods and slices collected', () =>
        kit.kube.list('replicasets', 'gc').length === 0 && kit.kube.list('pods', 'gc').length === 0 && kit.kube.list('endpointslices', 'gc').length === 0,
      8000);

      await kit.apps.createNamespacedDeployment({ namespace: 'gc', body: appDeployment('orphan', { replicas: 1 }) });
      await eventually('1 ready', () => kit.kube.get('deployments', 'gc', 'orphan')?.status?.readyReplicas === 1);
      await kit.apps.deleteNamespacedDeployment({ namespace: 'gc', name: 'orphan', propagationPolicy: 'Orphan' });
      await eventually('the deployment gone', () => kit.kube.get('deployments', 'gc', 'orphan') === undefined);
      const rs = kit.kube.list('replicasets', 'gc');
      assert.equal(rs.length, 1, 'the ReplicaSet stays');
      assert.equal(rs[0]?.metadata.ownerReferences, undefined, 'and loses its owner reference');
      assert.equal(kit.kube.list('pods', 'gc').length, 1);

      await kit.apps.deleteNamespacedReplicaSet({ namespace: 'gc', name: rs[0]?.metadata.name, propagationPolicy: 'Foreground' });
      const deleting = kit.kube.get('replicasets', 'gc', rs[0]?.metadata.name);
      assert.ok(deleting?.metadata.deletionTimestamp, 'a foreground delete leaves the owner in place first');
      assert.deepEqual(deleting?.metadata.finalizers, ['foregroundDeletion']);
      await eventually('pods then the ReplicaSet gone', () => kit.kube.list('replicasets', 'gc').length === 0, 8000);
      assert.equal(kit.kube.list('pods', 'gc').length, 0);

      const a = await kit.core.createNamespacedConfigMap({ namespace: 'gc', body: { metadata: { name: 'owner-a' } } });
      const b = await kit.core.createNamespacedConfigMap({ namespace: 'gc', body: { metadata: { name: 'owner-b' } } });
      const ref = (o: typeof a): any => ({ apiVersion: 'v1', kind: 'ConfigMap', name: o.metadata?.name, uid: o.metadata?.uid });
      await kit.core.createNamespacedSecret({ namespace: 'gc', body: { metadata: { name: 'shared', ownerReferences: [ref(a), ref(b)] } } });
      await kit.core.deleteNamespacedConfigMap({ namespace: 'gc', name: 'owner-a' });
      await eventually('the dangling reference removed', () => kit.kube.get('secrets', 'gc', 'shared')?.metadata.ownerReferences?.length === 1);
      await kit.core.deleteNamespacedConfigMap({ namespace: 'gc', name: 'owner-b' });
      await eventually('collected once both owners are gone', () => kit.kube.get('secrets', 'gc', 'shared') === undefined);
    } finally {
      await kit.close();
    }
  });
});
