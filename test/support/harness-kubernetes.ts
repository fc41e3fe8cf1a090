/**
 * The Kubernetes driver against the API double for the runtime scenarios:
 * fake images (`fake.paas.test/…`) whose name says how they behave, pods on
 * their own loopback addresses that the router reaches like pod IPs. After
 * each step that matters, the objects the driver left are checked: labels,
 * the set selector, replicas, the release Secret and its owners, probes,
 * the per-set Service and the stable Service's selector.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import { makeKubeClients, type KubeClients } from '../../server/runtime/kubernetes/kube-clients.js';
import { createKubernetesRuntime } from '../../server/runtime/kubernetes/kubernetes-runtime.js';
import type { RuntimeHarness } from './harness.js';
import { startKubeDouble, type KubeDouble } from './kube/double.js';
import type { ReleaseInput, ScenarioPlatform } from './scenario-platform.js';

export async function startDoubleClients(options: Parameters<typeof startKubeDouble>[0] = {}): Promise<{ kube: KubeDouble; clients: KubeClients }> {
  const kube = await startKubeDouble({ probePeriodMs: 100, ...options });
  const config = new KubeConfig();
  config.loadFromString(kube.kubeconfig());
  return { kube, clients: await makeKubeClients(config) };
}

export async function kubernetesHarness(): Promise<RuntimeHarness | string> {
  const { kube, clients } = await startDoubleClients();
  const installation = randomBytes(4).toString('hex');
  const settings = {
    namespacePrefix: 'paas-', installation, drainSeconds: 1, readyTimeoutSeconds: 6,
    registry: { push: 'registry.example', pull: 'registry.example' },
  };
  return {
    name: 'kubernetes',
    readyTimeoutMs: 6000,
    makeRuntime: () => createKubernetesRuntime({ clients, settings, watchTimeoutSeconds: 30 }),
    release(kind): ReleaseInput {
      switch (kind) {
        case 'good': return { image: 'fake.paas.test/app', processTypes: { web: '' } };
        case 'never-ready': return { image: 'fake.paas.test/never-ready', processTypes: { web: '' } };
        case 'crash': return { image: 'fake.paas.test/crashloop', processTypes: { web: '' } };
        case 'release-phase-fails': return { image: 'fake.paas.test/app', processTypes: { web: '', release: 'echo migrating; exit 3' } };
      }
    },
    answer(body) {
      const parsed = JSON.parse(body) as { env?: Record<string, string> };
      return { release: parsed.env?.PAAS_RELEASE, greeting: parsed.env?.GREETING };
    },
    async checkObjects(platform: ScenarioPlatform, app: string, want) {
      const namespace = `paas-${app}`;
      const ns = kube.get('namespaces', undefined, namespace);
      assert.equal(ns?.metadata?.labels?.['app.kubernetes.io/managed-by'], 'paas');
      const deployments = kube.list('deployments', namespace);
      assert.deepEqual(deployments.map((d) => d.metadata.name).sort(), want.sets.map((v) => `${app}-v${v}-web`).sort(), 'one Deployment per kept set');
      const formation = await platform.store.getFormation((await platform.app(app)).id);
      for (const d of deployments) {
        const release = d.metadata.labels['paas.dev/release'];
        assert.deepEqual(d.spec.selector.matchLabels, { 'paas.dev/app': app, 'paas.dev/release': release, 'paas.dev/process': 'web' });
        assert.equal(d.metadata.labels['paas.dev/installation'], installation);
        const pod = d.spec.template.spec;
        assert.deepEqual(pod.containers[0].envFrom, [{ secretRef: { name: `${app}-${release}-env` } }]);
        assert.ok(pod.containers[0].readinessProbe?.tcpSocket, 'readiness by TCP on PORT without a health check path');
        if (release === `v${want.live}`) assert.equal(d.spec.replicas, formation.web ?? 1, 'the live set runs the formation');
        const secret = kube.get('secrets', namespace, `${app}-${release}-env`);
        assert.equal(secret?.immutable, true);
        assert.ok((secret?.metadata?.ownerReferences ?? []).some((o: { uid: string }) => o.uid === d.metadata.uid), 'the Secret goes with its Deployment');
        const service = kube.get('services', namespace, `${app}-${release}-web`);
        assert.deepEqual(service?.spec?.selector, d.spec.selector.matchLabels);
        assert.equal(service?.metadata?.ownerReferences?.[0]?.uid, d.metadata.uid);
      }
      const stable = kube.get('services', namespace, app);
      assert.equal(stable?.spec?.selector?.['paas.dev/release'], `v${want.live}`, 'the stable Service selects the live release');
    },
    async checkGone(app) {
      const deadline = Date.now() + 20_000;
      while (kube.get('namespaces', undefined, `paas-${app}`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.equal(kube.get('namespaces', undefined, `paas-${app}`), undefined, 'the app namespace is gone');
    },
    close: () => kube.close(),
  };
}
