/**
 * The REST surface of the double as client-node sees it: CRUD, metadata
 * the server owns (uid, resourceVersion, generation, timestamps),
 * defaulting, Status errors with the upstream wording, optimistic
 * concurrency, list selectors and chunking, discovery, and the loud 404 /
 * 405 / 415 for what is not implemented.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fieldError } from './api/field-errors.js';
import { nameIsDNSSubdomain } from './validation/names.js';
import { apiError, appDeployment, createNamespace, eventually, jsonPatch, mergePatch, plain, raw, startKit, type Kit } from './test-kit.js';

async function withKit(fn: (kit: Kit) => Promise<void>): Promise<void> {
  const kit = await startKit();
  try {
    await fn(kit);
  } finally {
    await kit.close();
  }
}

describe('kube double: CRUD and metadata', () => {
  test('create, read, update and delete with server-owned metadata', () =>
    withKit(async (kit) => {
      await createNamespace(kit, 'shop');
      const cm = await kit.core.createNamespacedConfigMap({ namespace: 'shop', body: { metadata: { name: 'settings', labels: { app: 'shop' } }, data: { a: '1' } } });
      assert.match(cm.metadata?.uid ?? '', /^[0-9a-f-]{36}$/);
      assert.match(cm.metadata?.resourceVersion ?? '', /^\d+$/);
      assert.equal(cm.metadata?.namespace, 'shop');
      assert.ok(cm.metadata?.creationTimestamp instanceof Date);
      const wire = kit.kube.get('configmaps', 'shop', 'settings');
      assert.match(wire?.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, 'metav1.Time has second precision');
      assert.equal(cm.metadata?.generation, undefined, 'configmaps have no generation');

      const updated = await kit.core.replaceNamespacedConfigMap({ namespace: 'shop', name: 'settings', body: { ...cm, data: { a: '2' } } });
      assert.ok(Number(updated.metadata?.resourceVersion) > Number(cm.metadata?.resourceVersion));
      assert.equal(updated.metadata?.uid, cm.metadata?.uid);

      const noop = await kit.core.replaceNamespacedConfigMap({ namespace: 'shop', name: 'settings', body: updated });
      assert.equal(noop.metadata?.resourceVersion, updated.metadata?.resourceVersion, 'an update that changes nothing writes nothing');

      const stale = await apiError(kit.core.replaceNamespacedConfigMap({ namespace: 'shop', name: 'settings', body: { ...cm, data: { a: '3' } } }));
      assert.equal(stale.code, 409);
      assert.equal(stale.status.reason, 'Conflict');
      assert.equal(stale.status.message, 'Operation cannot be fulfilled on configmaps "settings": the object has been modified; please apply your changes to the latest version and try again');

      const dup = await apiError(kit.core.createNamespacedConfigMap({ namespace: 'shop', body: { metadata: { name: 'settings' } } }));
      assert.equal(dup.code, 409);
      assert.equal(dup.status.reason, 'AlreadyExists');
      assert.equal(dup.status.message, 'configmaps "settings" already exists');

      await kit.core.deleteNamespacedConfigMap({ namespace: 'shop', name: 'settings' });
      const gone = await apiError(kit.core.readNamespacedConfigMap({ namespace: 'shop', name: 'settings' }));
      assert.equal(gone.code, 404);
      assert.deepEqual(gone.status, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'configmaps "settings" not found',
        reason: 'NotFound',
        details: { name: 'settings', kind: 'configmaps' },
        code: 404,
      });
    }));

  test('generation moves with the spec (and, for Deployments, annotations), not with labels or status', () =>
    withKit(async (kit) => {
      await createNamespace(kit, 'shop');
      const d = await kit.apps.createNamespacedDeployment({ namespace: 'shop', body: appDeployment('web', { replicas: 0 }) });
      assert.equal(d.metadata?.generation, 1);
      const labelled = await kit.apps.patchNamespacedDeployment({ namespace: 'shop', name: 'web', body: { metadata: { labels: { team: 'a' } } } }, mergePatch);
      assert.equal(labelled.metadata?.generation, 1);
      const annotated = await kit.apps.patchNamespacedDeployment({ namespace: 'shop', name: 'web', body: { metadata: { annotations: { note: 'x' } } } }, mergePatch);
      assert.equal(annotated.metadata?.generation, 2, 'deployment strategy bumps generation on annotation changes');
      const scaled = await kit.apps.patchNamespacedDeployment({ namespace: 'shop', name: 'web', body: { spec: { replicas: 0, minReadySeconds: 1 } } }, mergePatch);
      assert.equal(scaled.metadata?.generation, 3);
      const statusWrite = await kit.apps.patchNamespacedDeploymentStatus({ namespace: 'shop', name: 'web', body: { status: { observedGeneration: 3 }, spec: { replicas: 5 } } }, mergePatch);
      assert.equal(statusWrite.metadata?.generation, 3, 'status writes never bump generation');
      assert.equal(statusWrite.spec?.replicas, 0, 'status writes ignore the spec');
    }));

  test('defaults a real server fills in', () =>
    withKit(async (kit) => {
      await createNamespace(kit, 'shop');
      const d = await kit.apps.createNamespacedDeployment({
        namespace: 'shop',
        body: { metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'fake.paas.test/web', readinessProbe: { tcpSocket: { port: 80 } }, resources: { limits: { cpu: '0.5', memory: '1024Mi' } } }] } } } },
      });
      assert.equal(d.spec?.replicas, 1);
      assert.equal(d.spec?.strategy?.type, 'RollingUpdate');
      assert.equal(d.spec?.strategy?.rollingUpdate?.maxSurge, '25%');
      assert.equal(d.spec?.strategy?.rollingUpdate?.maxUnavailable, '25%');
      assert.equal(d.spec?.revisionHistoryLimit, 10);
      assert.equal(d.spec?.progressDeadlineSeconds, 600);
      const pod = d.spec?.template.spec;
      assert.equal(pod?.restartPolicy, 'Always');
      assert.equal(pod?.terminationGracePeriodSeconds, 30);
      assert.equal(pod?.dnsPolicy, 'ClusterFirst');
      assert.equal(pod?.schedulerName, 'default-scheduler');
      assert.deepEqual(plain(pod?.securityContext), {});
      const c = pod?.containers[0];
      assert.equal(c?.imagePullPolicy, 'Always', 'no tag means :latest');
      assert.equal(c?.terminationMessagePath, '/dev/termination-log');
      assert.equal(c?.terminationMessagePolicy, 'File');
      assert.deepEqual(plain(c?.readinessProbe), { tcpSocket: { port: 80 }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
      assert.deepEqual(plain(c?.resources?.limits), { cpu: '500m', memory: '1Gi' }, 'quantities come back canonical');

      const svc = await kit.core.createNamespacedService({ namespace: 'shop', body: { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } } });
      assert.equal(svc.spec?.type, 'ClusterIP');
      assert.match(svc.spec?.clusterIP ?? '', /^10\.96\.\d+\.\d+$/);
      assert.deepEqual(svc.spec?.clusterIPs, [svc.spec?.clusterIP]);
      assert.equal(svc.spec?.sessionAffinity, 'None');
      assert.deepEqual(plain(svc.spec?.ports), [{ port: 80, protocol: 'TCP', targetPort: 80 }]);

      const secret = await kit.core.createNamespacedSecret({ namespace: 'shop', body: { metadata: { name: 's' }, stringData: { password: 'hunter2' } } });
      assert.equal(secret.type, 'Opaque');
      assert.deepEqual(secret.data, { password: Buffer.from('hunter2').toString('base64') });
      assert.equal(secret.stringData, undefined);

      const gen = await kit.core.createNamespacedConfigMap({ namespace: 'shop', body: { metadata: { generateName: 'cfg-' } } });
      assert.match(gen.metadata?.name ?? '', /^cfg-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    }));

  test('namespaces: missing is 404 on the namespace, defaults are furnished', () =>
    withKit(async (kit) => {
      const missing = await apiError(kit.core.createNamespacedConfigMap({ namespace: 'nope', body: { metadata: { name: 'x' } } }));
      assert.equal(missing.code, 404);
      assert.equal(missing.status.message, 'namespaces "nope" not found');
      await createNamespace(kit, 'shop');
      const ns = await kit.core.readNamespace({ name: 'shop' });
      assert.equal(ns.status?.phase, 'Active');
      assert.deepEqual(ns.spec?.finalizers, ['kubernetes']);
      assert.equal(ns.metadata?.labels?.['kubernetes.io/metadata.name'], 'shop');
      assert.ok(kit.kube.get('configmaps', 'shop', 'kube-root-ca.crt'));
      const immortal = await apiError(kit.core.deleteNamespace({ name: 'default' }));
      assert.equal(immortal.code, 403);
    }));

  test('dryRun, a failing JSON patch test, pod deletion with grace 0, pod field selectors', () =>
    withKit(async (kit) => {
      await createNamespace(kit, 'shop');
      const dry = await raw(kit.kube, 'POST', '/api/v1/namespaces/shop/configmaps?dryRun=All', { metadata: { name: 'dry' } });
      assert.equal(dry.status, 201);
      assert.equal(kit.kube.get('configmaps', 'shop', 'dry'), undefined, 'dry runs store nothing');
      await kit.core.createNamespacedConfigMap({ namespace: 'shop', body: { metadata: { name: 'c' }, data: { a: '1' } } });
      const failedTest = await apiError(kit.core.patchNamespacedConfigMap({ namespace: 'shop', name: 'c', body: [{ op: 'test', path: '/data/a', value: '2' }, { op: 'replace', path: '/data/a', value: '3' }] }, jsonPatch));
      assert.equal(failedTest.code, 422);
      assert.equal(failedTest.status.message, 'the server rejected our request due to an error in our request');
      const ok = await kit.core.patchNamespacedConfigMap({ namespace: 'shop', name: 'c', body: [{ op: 'test', path: '/data/a', value: '1' }, { op: 'replace', path: '/data/a', value: '3' }] }, jsonPatch);
      assert.equal(ok.data?.a, '3');

      await kit.core.createNamespacedPod({ namespace: 'shop', body: { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'fake.paas.test/web:1' }] } } });
      await eventually('running', () => kit.kube.get('pods', 'shop', 'p')?.status?.phase === 'Running');
      const byNode = await kit.core.listNamespacedPod({ namespace: 'shop', fieldSelector: 'spec.nodeName=double-node,status.phase=Running' });
      assert.deepEqual(byNode.items.map((p) => p.metadata?.name), ['p']);
      await kit.core.deleteNamespacedPod({ namespace: 'shop', name: 'p', gracePeriodSeconds: 0 });
      assert.equal(kit.kube.get('pods', 'shop', 'p'), undefined, 'gracePeriodSeconds=0 removes the pod at once');
    }));

  test('delete preconditions and propagation options are checked', () =>
    withKit(async (kit) => {
      await createNamespace(kit, 'shop');
      await kit.core.createNamespacedConfigMap({ namespace: 'shop', body: { metadata: { name: 'c' } } });
      const wrongUid = await apiError(kit.core.deleteNamespacedConfigMap({ namespace: 'shop', name: 'c', body: { preconditions: { uid: 'not-the-uid' } } }));
      assert.equal(wrongUid.code, 409);
      assert.match(wrongUid.status.message, /Precondition failed: UID in precondition: not-the-uid, UID in object meta: /);
      const badPolicy = await apiError(kit.core.deleteNamespacedConfigMap({ namespace: 'shop', name: 'c', propagationPolicy: 'Sometimes' }));
      assert.equal(badPolicy.code, 422);
      const status = await kit.core.deleteNamespacedConfigMap({ namespace: 'shop', name: 'c' });
      assert.equal(status.status, 'Success');
    }));
});

describe('kube double: lists', () => {
  test('label selectors, field selectors and chunking', () =>
    withKit(async (kit) => {
      await createNamespace(kit, 'a');
      await createNamespace(kit, 'b');
      for (const [ns, name, labels] of [
        ['a', 'one', { app: 'x', tier: 'web' }],
        ['a', 'two', { app: 'x', tier: 'db' }],
        ['b', 'three', { app: 'y' }],
        ['b', 'four', {}],
      ] as const) {
        await kit.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name, labels } } });
      }
      const names = async (labelSelector?: string, fieldSelector?: string): Promise<string[]> =>
        (await kit.core.listConfigMapForAllNamespaces({ labelSelector, fieldSelector })).items.map((c) => c.metadata?.name ?? '').filter((n) => n !== 'kube-root-ca.crt');
      assert.deepEqual(await names('app=x'), ['one', 'two']);
      assert.deepEqual(await names('app==x,tier!=db'), ['one']);
      assert.deepEqual(await names('app in (x, y),tier notin (web)'), ['two', 'three']);
      assert.deepEqual(await names('tier'), ['one', 'two']);
      assert.deepEqual(await names('!app'), ['four']);
      assert.deepEqual(await names(undefined, 'metadata.namespace=b'), ['four', 'three']);
      assert.deepEqual(await names(undefined, 'metadata.name!=one,metadata.namespace=a'), ['two']);
      const badField = await apiError(kit.core.listConfigMapForAllNamespaces({ fieldSelector: 'data.a=1' }));
      assert.equal(badField.code, 400);
      assert.equal(badField.status.message, 'field label not supported: data.a');
      const badLabel = await apiError(kit.core.listConfigMapForAllNamespaces({ labelSelector: 'app=(' }));
      assert.equal(badLabel.code, 400);

      const first = await kit.core.listNamespacedConfigMap({ namespace: 'a', limit: 2 });
      assert.equal(first.items.length, 2);
      assert.ok(first.metadata?._continue);
      assert.equal(first.metadata?.remainingItemCount, 1);
      await kit.core.createNamespacedConfigMap({ namespace: 'a', body: { metadata: { name: 'zzz' } } });
      const second = await kit.core.listNamespacedConfigMap({ namespace: 'a', limit: 2, _continue: first.metadata?._continue });
      assert.deepEqual(second.items.map((c) => c.metadata?.name), ['two'], 'later pages come from the first page snapshot');
      assert.equal(second.metadata?.resourceVersion, first.metadata?.resourceVersion);
      assert.equal(second.metadata?._continue, undefined);
      kit.kube.faults.compact();
      const third = await kit.core.listNamespacedConfigMap({ namespace: 'a', limit: 1 });
      kit.kube.faults.compact();
      const expired = await apiError(kit.core.listNamespacedConfigMap({ namespace: 'a', limit: 1, _continue: third.metadata?._continue }));
      assert.equal(expired.code, 410);
      assert.equal(expired.status.reason, 'Expired');
    }));
});

describe('kube double: registering a kind', () => {
  test('one KindDef adds a resource with its own validation, discovery and storage', () =>
    withKit(async (kit) => {
      kit.kube.registerKind({
        group: 'example.paas.dev',
        version: 'v1',
        kind: 'Widget',
        resource: 'widgets',
        singular: 'widget',
        namespaced: true,
        verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
        nameValidator: nameIsDNSSubdomain,
        validate: (o) => (typeof o.spec?.size === 'number' && o.spec.size > 0 ? [] : [fieldError.invalid('spec.size', o.spec?.size ?? null, 'must be a positive number')]),
      });
      await createNamespace(kit, 'shop');
      const bad = await raw(kit.kube, 'POST', '/apis/example.paas.dev/v1/namespaces/shop/widgets', { metadata: { name: 'w' }, spec: { size: 0 } });
      assert.equal(bad.status, 422);
      assert.equal(bad.body.message, 'Widget.example.paas.dev "w" is invalid: spec.size: Invalid value: 0: must be a positive number');
      const ok = await raw(kit.kube, 'POST', '/apis/example.paas.dev/v1/namespaces/shop/widgets', { metadata: { name: 'w' }, spec: { size: 2 } });
      assert.equal(ok.status, 201);
      assert.equal(ok.body.apiVersion, 'example.paas.dev/v1');
      const groups = await raw(kit.kube, 'GET', '/apis');
      assert.ok(groups.body.groups.some((g: { name: string }) => g.name === 'example.paas.dev'));
      const smp = await raw(kit.kube, 'PATCH', '/apis/example.paas.dev/v1/namespaces/shop/widgets/w', { spec: { size: 3 } }, { 'Content-Type': 'application/strategic-merge-patch+json' });
      assert.equal(smp.status, 415, 'no merge keys: strategic merge is refused, as for custom resources');
      assert.equal(kit.kube.get('widgets', 'shop', 'w')?.spec.size, 2);
    }));
});

describe('kube double: discovery and loud gaps', () => {
  test('discovery documents, /version and health', () =>
    withKit(async (kit) => {
      const version = await raw(kit.kube, 'GET', '/version');
      assert.equal(version.body.gitVersion, 'v1.33.0');
      const apis = await raw(kit.kube, 'GET', '/apis');
      assert.deepEqual(apis.body.groups.map((g: { name: string }) => g.name).sort(), ['apps', 'authorization.k8s.io', 'batch', 'discovery.k8s.io']);
      const appsV1 = await raw(kit.kube, 'GET', '/apis/apps/v1');
      const names = appsV1.body.resources.map((r: { name: string }) => r.name);
      assert.ok(names.includes('deployments') && names.includes('deployments/scale') && names.includes('deployments/status'));
      const core = await raw(kit.kube, 'GET', '/api/v1');
      assert.ok(core.body.resources.some((r: { name: string; verbs: string[] }) => r.name === 'pods/log' && r.verbs.join() === 'get'));
      assert.equal((await raw(kit.kube, 'GET', '/readyz')).text, 'ok');
    }));

  test('what is not implemented answers 404, 405 or 415 with a Status', () =>
    withKit(async (kit) => {
      await createNamespace(kit, 'shop');
      const unknown = await raw(kit.kube, 'GET', '/apis/apps/v1/namespaces/shop/statefulsets');
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.kind, 'Status');
      assert.equal((await raw(kit.kube, 'POST', '/api/v1/namespaces/shop/pods/x/eviction', {})).status, 404);
      const putCollection = await raw(kit.kube, 'PUT', '/api/v1/namespaces/shop/configmaps', {});
      assert.equal(putCollection.status, 405);
      assert.equal(putCollection.body.reason, 'MethodNotAllowed');
      await kit.apps.createNamespacedDeployment({ namespace: 'shop', body: appDeployment('web', { replicas: 0 }) });
      const apply = await raw(kit.kube, 'PATCH', '/apis/apps/v1/namespaces/shop/deployments/web?fieldManager=x', '{}', { 'Content-Type': 'application/apply-patch+yaml' });
      assert.equal(apply.status, 415);
      assert.equal(apply.body.reason, 'UnsupportedMediaType');
      assert.match(apply.body.message, /server-side apply is not implemented/);
      const yaml = await raw(kit.kube, 'POST', '/api/v1/namespaces/shop/configmaps', 'metadata: {name: y}', { 'Content-Type': 'application/yaml' });
      assert.equal(yaml.status, 415);
      const table = await raw(kit.kube, 'GET', '/api/v1/namespaces/shop/configmaps', undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
      assert.equal(table.status, 406);
      const clusterPost = await raw(kit.kube, 'POST', '/api/v1/configmaps', { metadata: { name: 'c', namespace: 'shop' } });
      assert.equal(clusterPost.status, 405);
    }));
});
