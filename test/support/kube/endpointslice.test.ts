/**
 * The EndpointSlice controller through a graceful deletion: while a pod's
 * preStop sleep runs, its endpoint is ready=false, serving=true,
 * terminating=true; then it leaves the slice. Slices carry the upstream
 * labels, the Service's labels and owner reference, and resolve named
 * target ports.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { appDeployment, createNamespace, eventually, plain, startKit } from './test-kit.js';

describe('kube double: endpointslices', () => {
  test('labels, ports, and ready/serving/terminating through a graceful deletion with preStop', async () => {
    const kit = await startKit();
    try {
      await createNamespace(kit, 'eps');
      const svc = await kit.core.createNamespacedService({
        namespace: 'eps',
        body: { metadata: { name: 'web', labels: { team: 'shop' } }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } },
      });
      const empty = await eventually('a placeholder slice', async () => (await kit.discovery.listNamespacedEndpointSlice({ namespace: 'eps' })).items[0]);
      assert.equal(kit.kube.get('endpointslices', 'eps', empty.metadata?.name ?? '')?.endpoints, null, 'an empty slice serves endpoints: null, as etcd round-trips it');

      await kit.apps.createNamespacedDeployment({ namespace: 'eps', body: appDeployment('web', { replicas: 2, preStopSleep: 2, terminationGracePeriodSeconds: 10 }) });
      const slice = await eventually('two ready endpoints', async () => {
        const s = (await kit.discovery.listNamespacedEndpointSlice({ namespace: 'eps', labelSelector: 'kubernetes.io/service-name=web' })).items[0];
        return s?.endpoints?.filter((e) => e.conditions?.ready).length === 2 ? s : undefined;
      });
      assert.match(slice.metadata?.name ?? '', /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      assert.deepEqual(plain(slice.metadata?.labels), { team: 'shop', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
      assert.equal(slice.metadata?.ownerReferences?.[0]?.uid, svc.metadata?.uid);
      assert.equal(slice.addressType, 'IPv4');
      assert.deepEqual(plain(slice.ports), [{ name: 'http', port: 8080, protocol: 'TCP' }]);
      const ep = slice.endpoints[0];
      assert.equal(ep?.targetRef?.kind, 'Pod');
      assert.equal(ep?.nodeName, 'double-node');
      assert.deepEqual(plain(ep?.conditions), { ready: true, serving: true, terminating: false });

      const victim = ep?.targetRef?.name ?? '';
      const victimIP = ep?.addresses[0];
      await kit.core.deleteNamespacedPod({ namespace: 'eps', name: victim });
      const terminating = await eventually('the terminating endpoint', () => {
        const s = kit.kube.list('endpointslices', 'eps')[0];
        return s?.endpoints?.find((e: any) => e.targetRef.name === victim && e.conditions.terminating);
      });
      assert.deepEqual(terminating.conditions, { ready: false, serving: true, terminating: true });
      const res = await fetch(`http://${victimIP}:8080/still-serving`);
      assert.equal(res.status, 200, 'the app keeps serving during preStop');
      const p = kit.kube.get('pods', 'eps', victim);
      assert.ok(p?.metadata.deletionTimestamp);
      assert.equal(p?.metadata.deletionGracePeriodSeconds, 10);
      await eventually('the endpoint to go once the pod is gone', () => !kit.kube.list('endpointslices', 'eps')[0]?.endpoints?.some((e: any) => e.targetRef.name === victim), 8000);
      assert.equal(kit.kube.get('pods', 'eps', victim), undefined);
      await eventually('the replacement to be ready', () => kit.kube.list('endpointslices', 'eps')[0]?.endpoints?.filter((e: any) => e.conditions.ready).length === 2);
    } finally {
      await kit.close();
    }
  });
});
