/**
 * The double is never more lenient than kube-apiserver: unknown fields
 * and JSON type errors are rejected as the decoder does (400), semantic
 * problems as validation does (422, one cause per problem, all at once),
 * and immutable fields stay immutable.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { apiError, appDeployment, createNamespace, mergePatch, raw, startKit, strategicPatch, type Kit } from './test-kit.js';

describe('kube double: validation', () => {
  let kit: Kit;
  before(async () => {
    kit = await startKit();
    await createNamespace(kit, 'v');
  });
  after(() => kit.close());

  test('unknown fields are strict decoding errors, on create and on patch (in document order)', async () => {
    const body = appDeployment('unknown', { replicas: 0 }) as unknown as Record<string, any>;
    body.spec.bogus = true;
    body.spec.template.spec.containers[0].colour = 'red';
    const created = await raw(kit.kube, 'POST', '/apis/apps/v1/namespaces/v/deployments?fieldValidation=Strict', body);
    assert.equal(created.status, 400);
    assert.equal(created.body.reason, 'BadRequest');
    assert.equal(
      created.body.message,
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].colour", unknown field "spec.bogus"',
    );
    await kit.apps.createNamespacedDeployment({ namespace: 'v', body: appDeployment('unknown', { replicas: 0 }) });
    const patched = await apiError(kit.apps.patchNamespacedDeployment({ namespace: 'v', name: 'unknown', body: { spec: { replica: 3 } } }, mergePatch));
    assert.equal(patched.code, 400);
    assert.equal(patched.status.message, 'strict decoding error: unknown field "spec.replica"');
  });

  test('JSON type errors are decode errors (400); in a patch they are 422 on the patch', async () => {
    const body = appDeployment('types') as unknown as Record<string, any>;
    body.spec.replicas = 'three';
    const created = await raw(kit.kube, 'POST', '/apis/apps/v1/namespaces/v/deployments', body);
    assert.equal(created.status, 400);
    assert.match(created.body.message, /^Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field .*replicas of type int32$/);
    const secret = await raw(kit.kube, 'POST', '/api/v1/namespaces/v/secrets', { metadata: { name: 's' }, data: { key: 'not base64!' } });
    assert.equal(secret.status, 400);
    assert.match(secret.body.message, /illegal base64 data at input byte 3/);
    await kit.apps.createNamespacedDeployment({ namespace: 'v', body: appDeployment('types', { replicas: 0 }) });
    const patched = await apiError(kit.apps.patchNamespacedDeployment({ namespace: 'v', name: 'types', body: { spec: { replicas: 'x' } } }, mergePatch));
    assert.equal(patched.code, 422);
    assert.equal(patched.status.details.causes[0].field, 'patch');
  });

  test('semantic errors: every cause at once, with field paths and upstream wording', async () => {
    const d = appDeployment('bad', { replicas: -1 }) as unknown as Record<string, any>;
    d.spec.template.metadata.labels = { app: 'other' };
    d.spec.template.spec.restartPolicy = 'Never';
    d.spec.template.spec.containers.push({
      name: 'Side_Car',
      image: 'fake.paas.test/side',
      ports: [{ name: 'http', containerPort: 70000 }, { name: 'http', containerPort: 81 }, { name: 'this-name-is-far-too-long', containerPort: 82 }],
      env: [{ name: '1BAD', value: 'x' }],
      livenessProbe: { httpGet: { port: 80 }, tcpSocket: { port: 80 } },
      resources: { requests: { cpu: '2' }, limits: { cpu: '1' } },
    });
    d.spec.template.spec.containers.push({ name: 'web', image: 'fake.paas.test/dup' });
    d.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } };
    const r = await apiError(kit.apps.createNamespacedDeployment({ namespace: 'v', body: d as never }));
    assert.equal(r.code, 422);
    assert.equal(r.status.reason, 'Invalid');
    assert.equal(r.status.details.kind, 'Deployment');
    assert.equal(r.status.details.group, 'apps');
    const causes = new Map<string, string>(r.status.details.causes.map((c: { field: string; message: string }) => [c.field, c.message]));
    const expect = (field: string, message: RegExp): void => assert.match(causes.get(field) ?? `<no cause for ${field}>`, message, field);
    expect('spec.replicas', /^Invalid value: -1: must be greater than or equal to 0$/);
    expect('spec.template.metadata.labels', /`selector` does not match template `labels`/);
    expect('spec.template.spec.restartPolicy', /^Unsupported value: "Never": supported values: "Always"$/);
    expect('spec.template.spec.containers[1].name', /^Invalid value: "Side_Car": a lowercase RFC 1123 label must consist of/);
    expect('spec.template.spec.containers[1].ports[0].containerPort', /^Invalid value: 70000: must be between 1 and 65535, inclusive$/);
    expect('spec.template.spec.containers[1].ports[1].name', /^Duplicate value: "http"$/);
    expect('spec.template.spec.containers[1].ports[2].name', /must be no more than 15 characters/);
    expect('spec.template.spec.containers[1].env[0].name', /a valid environment variable name must consist of/);
    expect('spec.template.spec.containers[1].livenessProbe.tcpSocket', /^Forbidden: may not specify more than 1 handler type$/);
    expect('spec.template.spec.containers[1].resources.requests', /^Invalid value: "2": must be less than or equal to cpu limit of 1$/);
    expect('spec.template.spec.containers[2].name', /^Duplicate value: "web"$/);
    expect('spec.strategy.rollingUpdate.maxUnavailable', /may not be 0 when `maxSurge` is 0/);
    assert.match(r.status.message, /^Deployment\.apps "bad" is invalid: \[/);
  });

  test('required fields and names', async () => {
    const noImage = await apiError(
      kit.core.createNamespacedPod({ namespace: 'v', body: { metadata: { name: 'p' }, spec: { containers: [{ name: 'c' } as never] } } }),
    );
    assert.equal(noImage.code, 422);
    assert.deepEqual(noImage.status.details.causes, [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].image' }]);
    const noSelector = await raw(kit.kube, 'POST', '/apis/apps/v1/namespaces/v/deployments', { metadata: { name: 'nosel' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'i' }] } } } });
    assert.equal(noSelector.status, 422);
    assert.ok(noSelector.body.details.causes.some((c: { field: string; reason: string }) => c.field === 'spec.selector' && c.reason === 'FieldValueRequired'));
    const badNs = await apiError(kit.core.createNamespace({ body: { metadata: { name: 'Not.Valid' } } }));
    assert.equal(badNs.code, 422);
    assert.match(badNs.status.message, /^Namespace "Not.Valid" is invalid: metadata.name: Invalid value: "Not.Valid": a lowercase RFC 1123 label/);
    const badSvc = await apiError(kit.core.createNamespacedService({ namespace: 'v', body: { metadata: { name: '1svc' }, spec: { ports: [{ port: 80 }, { port: 81 }] } } }));
    assert.equal(badSvc.code, 422);
    const svcCauses = badSvc.status.details.causes.map((c: { field: string }) => c.field);
    assert.deepEqual(svcCauses.sort(), ['metadata.name', 'spec.ports[0].name', 'spec.ports[1].name']);
    const badLabels = await apiError(
      kit.core.createNamespacedConfigMap({ namespace: 'v', body: { metadata: { name: 'l', labels: { 'bad key': 'v', ok: 'x'.repeat(64) }, annotations: { big: 'x'.repeat(300 * 1024) } } } }),
    );
    assert.equal(badLabels.code, 422);
    assert.equal(badLabels.status.details.causes.length, 3);
  });

  test('immutable fields', async () => {
    await kit.apps.createNamespacedDeployment({ namespace: 'v', body: appDeployment('imm', { replicas: 0 }) });
    const sel = await apiError(kit.apps.patchNamespacedDeployment({ namespace: 'v', name: 'imm', body: { spec: { selector: { matchLabels: { app: 'imm', x: 'y' } }, template: { metadata: { labels: { app: 'imm', x: 'y' } } } } } }, strategicPatch));
    assert.equal(sel.code, 422);
    assert.equal(sel.status.details.causes[0].field, 'spec.selector');
    assert.match(sel.status.details.causes[0].message, /field is immutable$/);

    const svc = await kit.core.createNamespacedService({ namespace: 'v', body: { metadata: { name: 'svc' }, spec: { ports: [{ port: 80 }] } } });
    const ipChange = await apiError(kit.core.patchNamespacedService({ namespace: 'v', name: 'svc', body: { spec: { clusterIP: '10.96.9.9', clusterIPs: ['10.96.9.9'] } } }, mergePatch));
    assert.equal(ipChange.code, 422);
    assert.match(ipChange.status.message, /may not change once set/);
    const taken = await apiError(kit.core.createNamespacedService({ namespace: 'v', body: { metadata: { name: 'taken' }, spec: { clusterIP: '10.96.0.1', ports: [{ port: 80 }] } } }));
    assert.equal(taken.code, 422);
    assert.match(taken.status.message, /spec\.clusterIPs: Invalid value: \["10\.96\.0\.1"\]: failed to allocate IP 10\.96\.0\.1: provided IP is already allocated/);
    const replaced = await kit.core.replaceNamespacedService({ namespace: 'v', name: 'svc', body: { metadata: { name: 'svc', resourceVersion: svc.metadata?.resourceVersion }, spec: { ports: [{ port: 81 }] } } });
    assert.equal(replaced.spec?.clusterIP, svc.spec?.clusterIP, 'a PUT without clusterIP keeps the allocated one');

    await kit.core.createNamespacedSecret({ namespace: 'v', body: { metadata: { name: 'frozen' }, immutable: true, stringData: { a: '1' } } });
    const frozen = await apiError(kit.core.patchNamespacedSecret({ namespace: 'v', name: 'frozen', body: { stringData: { a: '2' } } }, mergePatch));
    assert.equal(frozen.code, 422);
    assert.deepEqual(frozen.status.details.causes, [{ reason: 'FieldValueForbidden', message: 'Forbidden: field is immutable when `immutable` is set', field: 'data' }]);
    const thaw = await apiError(kit.core.patchNamespacedSecret({ namespace: 'v', name: 'frozen', body: { immutable: false } }, mergePatch));
    assert.equal(thaw.code, 422);

    await kit.core.createNamespacedPod({ namespace: 'v', body: { metadata: { name: 'pod' }, spec: { containers: [{ name: 'c', image: 'fake.paas.test/web:1' }] } } });
    const podChange = await apiError(kit.core.patchNamespacedPod({ namespace: 'v', name: 'pod', body: { spec: { restartPolicy: 'Never' } } }, mergePatch));
    assert.equal(podChange.code, 422);
    assert.match(podChange.status.message, /pod updates may not change fields other than/);
    const imageChange = await kit.core.patchNamespacedPod({ namespace: 'v', name: 'pod', body: { spec: { containers: [{ name: 'c', image: 'fake.paas.test/web:2' }] } } }, strategicPatch);
    assert.equal(imageChange.spec?.containers[0]?.image, 'fake.paas.test/web:2');
  });

  test('jobs: restartPolicy OnFailure or Never, template immutable', async () => {
    const always = await apiError(kit.batch.createNamespacedJob({ namespace: 'v', body: { metadata: { name: 'j' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'fake.paas.test/job' }] } } } } }));
    assert.equal(always.code, 422);
    assert.deepEqual(always.status.details.causes, [{ reason: 'FieldValueRequired', message: 'Required value: valid values: "OnFailure", "Never"', field: 'spec.template.spec.restartPolicy' }]);
    const job = await kit.batch.createNamespacedJob({ namespace: 'v', body: { metadata: { name: 'j' }, spec: { suspend: true, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'fake.paas.test/job' }] } } } } });
    assert.equal(job.spec?.selector?.matchLabels?.['batch.kubernetes.io/controller-uid'], job.metadata?.uid);
    assert.equal(job.spec?.template.metadata?.labels?.['job-name'], 'j');
    const change = await apiError(kit.batch.patchNamespacedJob({ namespace: 'v', name: 'j', body: { spec: { template: { spec: { containers: [{ name: 'c', image: 'fake.paas.test/other' }] } } } } }, strategicPatch));
    assert.equal(change.code, 422);
    assert.equal(change.status.details.causes[0].field, 'spec.template');
  });
});
