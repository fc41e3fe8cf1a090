/**
 * The deployment controller, ReplicaSet controller, scheduler and kubelet
 * together: a Deployment of a fake image rolls out to ready pods that
 * answer HTTP on their own pod IPs, with the ReplicaSet naming, labels,
 * owner references, revision annotations, status and conditions a real
 * cluster shows; scaling through the scale subresource; Recreate.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { appDeployment, createNamespace, eventually, mergePatch, plain, startKit, strategicPatch } from './test-kit.js';

describe('kube double: deployments', () => {
  test('a fake-image Deployment rolls out to ready pods that answer at their pod IPs', async () => {
    const kit = await startKit();
    try {
      await createNamespace(kit, 'shop');
      await kit.core.createNamespacedSecret({ namespace: 'shop', body: { metadata: { name: 'creds' }, stringData: { token: 's3cret' } } });
      const env = [
        { name: 'PORT', value: '8080' },
        { name: 'GREETING', value: 'hello $(PORT)' },
        { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } },
        { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
      ];
      await kit.apps.createNamespacedDeployment({ namespace: 'shop', body: appDeployment('shop-v1-web', { replicas: 3, env }) });
      const d = await eventually('3 ready replicas', async () => {
        const d = await kit.apps.readNamespacedDeployment({ namespace: 'shop', name: 'shop-v1-web' });
        return d.status?.readyReplicas === 3 && d.status.availableReplicas === 3 && d.status.updatedReplicas === 3 ? d : undefined;
      });
      assert.equal(d.status?.observedGeneration, 1);
      assert.equal(d.metadata?.annotations?.['deployment.kubernetes.io/revision'], '1');
      const conditions = Object.fromEntries((d.status?.conditions ?? []).map((c) => [c.type, c]));
      assert.equal(conditions.Available?.status, 'True');
      assert.equal(conditions.Available?.reason, 'MinimumReplicasAvailable');
      assert.equal(conditions.Progressing?.reason, 'NewReplicaSetAvailable');
      assert.match(conditions.Progressing?.message ?? '', /^ReplicaSet "shop-v1-web-[a-z0-9]+" has successfully progressed\.$/);

      const [rs, ...more] = (await kit.apps.listNamespacedReplicaSet({ namespace: 'shop' })).items;
      assert.equal(more.length, 0);
      const hash = rs?.metadata?.labels?.['pod-template-hash'] ?? '';
      assert.equal(rs?.metadata?.name, `shop-v1-web-${hash}`);
      assert.deepEqual(plain(rs?.spec?.selector?.matchLabels), { app: 'shop-v1-web', 'pod-template-hash': hash });
      assert.equal(rs?.metadata?.ownerReferences?.[0]?.kind, 'Deployment');
      assert.equal(rs?.metadata?.ownerReferences?.[0]?.controller, true);
      assert.equal(rs?.metadata?.ownerReferences?.[0]?.uid, d.metadata?.uid);
      assert.equal(rs?.metadata?.annotations?.['deployment.kubernetes.io/revision'], '1');
      assert.equal(rs?.metadata?.annotations?.['deployment.kubernetes.io/desired-replicas'], '3');
      assert.equal(rs?.metadata?.annotations?.['deployment.kubernetes.io/max-replicas'], '4');

      const pods = (await kit.core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=shop-v1-web' })).items;
      assert.equal(pods.length, 3);
      const ips = new Set<string>();
      for (const pod of pods) {
        assert.match(pod.metadata?.name ?? '', new RegExp(`^shop-v1-web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
        assert.equal(pod.spec?.nodeName, 'double-node');
        assert.equal(pod.spec?.serviceAccountName, 'default');
        assert.equal(pod.status?.phase, 'Running');
        assert.equal(pod.status?.qosClass, 'BestEffort');
        const types = (pod.status?.conditions ?? []).map((c) => `${c.type}=${c.status}`);
        assert.deepEqual(types, ['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True']);
        const cs = pod.status?.containerStatuses?.[0];
        assert.equal(cs?.ready, true);
        assert.equal(cs?.started, true);
        assert.equal(cs?.restartCount, 0);
        assert.ok(cs?.state?.running?.startedAt);
        assert.match(cs?.containerID ?? '', /^fake:\/\/[0-9a-f]{64}$/);
        const ip = pod.status?.podIP ?? '';
        assert.match(ip, /^127\.\d+\.\d+\.\d+$/);
        ips.add(ip);
        const res = await fetch(`http://${ip}:8080/hello`);
        const body = (await res.json()) as { pod: string; image: string; env: Record<string, string> };
        assert.equal(body.pod, pod.metadata?.name);
        assert.equal(body.image, 'fake.paas.test/web:1');
        assert.equal(body.env.GREETING, 'hello 8080');
        assert.equal(body.env.TOKEN, 's3cret');
        assert.equal(body.env.POD_NAME, pod.metadata?.name);
        assert.equal(body.env.POD_IP, ip);
        assert.equal(body.env.APP, 'shop-v1-web');
        assert.equal(body.env.KUBERNETES_SERVICE_HOST, '10.96.0.1');
      }
      assert.equal(ips.size, 3, 'every pod has its own IP');
      const events = (await kit.core.listNamespacedEvent({ namespace: 'shop', fieldSelector: 'reason=ScalingReplicaSet' })).items;
      assert.match(events[0]?.message ?? '', /^Scaled up replica set shop-v1-web-[a-z0-9]+ from 0 to 3$/);
    } finally {
      await kit.close();
    }
  });

  test('scale subresource up and down to zero; zero counters are omitted as upstream', async () => {
    const kit = await startKit();
    try {
      await createNamespace(kit, 'shop');
      await kit.apps.createNamespacedDeployment({ namespace: 'shop', body: appDeployment('web', { replicas: 1 }) });
      const scale = await kit.apps.readNamespacedDeploymentScale({ namespace: 'shop', name: 'web' });
      assert.equal(scale.spec?.replicas, 1);
      assert.equal(scale.status?.selector, 'app=web');
      // no resourceVersion: the controllers write status all the time, and a stale one would (rightly) conflict
      await kit.apps.replaceNamespacedDeploymentScale({ namespace: 'shop', name: 'web', body: { metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 4 } } });
      await eventually('4 ready', async () => (await kit.apps.readNamespacedDeployment({ namespace: 'shop', name: 'web' })).status?.readyReplicas === 4);
      await kit.apps.patchNamespacedDeploymentScale({ namespace: 'shop', name: 'web', body: { spec: { replicas: 0 } } }, mergePatch);
      await eventually('no pods', async () => (await kit.core.listNamespacedPod({ namespace: 'shop' })).items.length === 0);
      const d = await eventually('status at zero', async () => {
        const d = kit.kube.get('deployments', 'shop', 'web');
        return d?.status?.replicas === undefined ? d : undefined;
      });
      assert.equal(d.status.readyReplicas, undefined);
      assert.equal(d.status.availableReplicas, undefined);
      assert.equal(d.status.observedGeneration, 3);
    } finally {
      await kit.close();
    }
  });

  test('Recreate: no new pod before every old one is gone; rolling back reuses the old ReplicaSet', async () => {
    const kit = await startKit();
    try {
      await createNamespace(kit, 'shop');
      await kit.apps.createNamespacedDeployment({ namespace: 'shop', body: appDeployment('web', { replicas: 2, strategy: { type: 'Recreate' } }) });
      await eventually('2 ready', () => kit.kube.get('deployments', 'shop', 'web')?.status?.readyReplicas === 2);
      const firstRS = kit.kube.list('replicasets', 'shop')[0]?.metadata.name;
      let overlap = false;
      const sampler = setInterval(() => {
        const live = kit.kube.list('pods', 'shop').filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
        const owners = new Set(live.map((p) => p.metadata.ownerReferences?.[0]?.name));
        if (owners.size > 1) overlap = true;
      }, 10);
      await kit.apps.patchNamespacedDeployment({ namespace: 'shop', name: 'web', body: { spec: { template: { spec: { containers: [{ name: 'web', image: 'fake.paas.test/web:2' }] } } } } }, strategicPatch);
      await eventually('2 ready on the new template', () => {
        const d = kit.kube.get('deployments', 'shop', 'web');
        return d?.status?.updatedReplicas === 2 && d.status.readyReplicas === 2 && d.status.replicas === 2 && d.metadata.generation === d.status.observedGeneration;
      });
      clearInterval(sampler);
      assert.equal(overlap, false, 'old and new pods never ran side by side');
      await kit.apps.patchNamespacedDeployment({ namespace: 'shop', name: 'web', body: { spec: { template: { spec: { containers: [{ name: 'web', image: 'fake.paas.test/web:1' }] } } } } }, strategicPatch);
      await eventually('rolled back', () => kit.kube.get('deployments', 'shop', 'web')?.metadata.annotations?.['deployment.kubernetes.io/revision'] === '3');
      const rs = kit.kube.get('replicasets', 'shop', firstRS ?? '');
      assert.equal(rs?.metadata.annotations['deployment.kubernetes.io/revision'], '3');
      assert.equal(rs?.metadata.annotations['deployment.kubernetes.io/revision-history'], '1');
    } finally {
      await kit.close();
    }
  });
});
