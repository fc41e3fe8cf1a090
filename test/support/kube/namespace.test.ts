/**
 * Namespace lifecycle: DELETE makes it Terminating (creates inside are
 * refused with the NamespaceLifecycle 403), its content is deleted, pods
 * gracefully, and the namespace disappears once empty.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { apiError, appDeployment, createNamespace, eventually, raw, startKit } from './test-kit.js';

describe('kube double: namespaces', () => {
  test('termination: 403 for new content, everything deleted, then the namespace goes', async () => {
    const kit = await startKit({ namespaceTerminationMs: 300 });
    try {
      await createNamespace(kit, 'paas-shop');
      await kit.apps.createNamespacedDeployment({ namespace: 'paas-shop', body: appDeployment('web', { replicas: 2, preStopSleep: 1 }) });
      await kit.core.createNamespacedService({ namespace: 'paas-shop', body: { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } } });
      await eventually('2 ready', () => kit.kube.get('deployments', 'paas-shop', 'web')?.status?.readyReplicas === 2);

      // the DELETE answers with the Namespace (client-node 1.4.0 types it as V1Status, so read the wire form)
      const deleted = await raw(kit.kube, 'DELETE', '/api/v1/namespaces/paas-shop');
      assert.equal(deleted.status, 200);
      assert.equal(deleted.body.kind, 'Namespace');
      assert.equal(deleted.body.status.phase, 'Terminating');
      assert.ok(deleted.body.metadata.deletionTimestamp);
      const refused = await apiError(kit.core.createNamespacedConfigMap({ namespace: 'paas-shop', body: { metadata: { name: 'late' } } }));
      assert.equal(refused.code, 403);
      assert.equal(refused.status.reason, 'Forbidden');
      assert.equal(refused.status.message, 'configmaps "late" is forbidden: unable to create new content in namespace paas-shop because it is being terminated');
      assert.deepEqual(refused.status.details.causes, [{ reason: 'NamespaceTerminating', message: 'namespace paas-shop is being terminated', field: 'metadata.namespace' }]);

      const remaining = await eventually('a content-remaining condition', () => {
        const ns = kit.kube.get('namespaces', undefined, 'paas-shop');
        return ns?.status?.conditions?.find((c: any) => c.type === 'NamespaceContentRemaining' && c.status === 'True');
      });
      assert.match(remaining.message, /^Some resources are remaining: .*pods\. has \d+ resource instances/);
      const terminatingPod = kit.kube.list('pods', 'paas-shop').find((p) => p.metadata.deletionTimestamp);
      assert.ok(terminatingPod, 'pods are deleted gracefully (preStop runs)');

      await eventually('the namespace to disappear', () => kit.kube.get('namespaces', undefined, 'paas-shop') === undefined, 10_000);
      for (const r of ['pods', 'deployments', 'replicasets', 'services', 'endpointslices', 'configmaps', 'serviceaccounts']) {
        assert.deepEqual(kit.kube.list(r, 'paas-shop'), [], r);
      }
      const gone = await apiError(kit.core.readNamespace({ name: 'paas-shop' }));
      assert.equal(gone.code, 404);
    } finally {
      await kit.close();
    }
  });
});
