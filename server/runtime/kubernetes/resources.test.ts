/**
 * Every object the driver writes is valid against the official Kubernetes
 * schemas (kubernetes-models), and carries what the design promises:
 * labels, an immutable selector naming the set, config by Secret, probes,
 * drain, security and images by digest at the pull address.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import type { InstanceSetSpec } from '../runtime.js';
import { deploymentName, instanceName, jobName } from './names.js';
import { makeConfigSecret, makeDeployment, makeNamespace, makePullSecret, makeReleaseJob, makeSetService, makeStableService, podImage, type KubeSettings } from './resources.js';

const settings: KubeSettings = {
  namespacePrefix: 'paas-', installation: 'abc123', drainSeconds: 5, readyTimeoutSeconds: 30,
  registry: { push: '127.0.0.1:5000', pull: 'registry.paas.svc:5000' }, pullSecret: 'paas-registry',
};
const spec: InstanceSetSpec = {
  app: 'shop', release: 4, process: 'web', image: '127.0.0.1:5000/shop:v4', digest: 'sha256:' + 'a'.repeat(64),
  command: 'node server.js', env: { GREETING: 'hello "world"\n$(x)' }, replicas: 3, healthcheckPath: '/healthz',
};
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

test('every object validates against the Kubernetes schemas', () => {
  new Namespace(plain(makeNamespace('shop', settings)) as never).validate();
  new Secret(plain(makeConfigSecret(spec, settings)) as never).validate();
  new Secret(plain(makePullSecret('shop', '{"auths":{}}', settings)) as never).validate();
  new Deployment(plain(makeDeployment(spec, settings)) as never).validate();
  new Deployment(plain(makeDeployment({ ...spec, process: 'worker', healthcheckPath: null, command: undefined }, settings)) as never).validate();
  new Service(plain(makeSetService(spec, settings)) as never).validate();
  new Service(plain(makeStableService('shop', 4, settings)) as never).validate();
  new Job(plain(makeReleaseJob({ ...spec, process: 'release', command: 'npm run migrate' }, 600, settings)) as never).validate();
});

test('a web Deployment: set labels and selector, config by Secret, probes, drain, security, image by digest', () => {
  const d = makeDeployment(spec, settings);
  assert.equal(d.metadata?.name, 'shop-v4-web');
  assert.equal(d.metadata?.namespace, 'paas-shop');
  assert.deepEqual(d.spec?.selector.matchLabels, { 'paas.dev/app': 'shop', 'paas.dev/release': 'v4', 'paas.dev/process': 'web' });
  assert.deepEqual(d.spec?.template.metadata?.labels, {
    'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/managed-by': 'paas', 'paas.dev/app': 'shop', 'paas.dev/installation': 'abc123',
    'paas.dev/release': 'v4', 'paas.dev/process': 'web',
  });
  assert.equal(d.spec?.replicas, 3);
  assert.deepEqual(d.spec?.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
  const pod = d.spec!.template.spec!;
  const c = pod.containers[0]!;
  assert.equal(c.image, `registry.paas.svc:5000/shop@sha256:${'a'.repeat(64)}`);
  assert.deepEqual(c.args, ['/bin/sh', '-c', 'exec node server.js']);
  assert.deepEqual(c.envFrom, [{ secretRef: { name: 'shop-v4-env' } }]);
  assert.deepEqual(c.env?.find((e) => e.name === 'PORT'), { name: 'PORT', value: '5000' });
  assert.deepEqual(c.readinessProbe?.httpGet, { path: '/healthz', port: 5000 });
  assert.equal(c.startupProbe?.failureThreshold, 30, 'the startup probe allows the ready deadline');
  assert.deepEqual(c.lifecycle?.preStop, { sleep: { seconds: 5 } });
  assert.equal(pod.terminationGracePeriodSeconds, 15);
  assert.deepEqual(c.securityContext, { allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] } });
  assert.deepEqual(pod.securityContext, { seccompProfile: { type: 'RuntimeDefault' } });
  assert.equal(pod.automountServiceAccountToken, false);
  assert.deepEqual(pod.imagePullSecrets, [{ name: 'paas-registry' }]);
  const worker = makeDeployment({ ...spec, process: 'worker', healthcheckPath: null }, settings).spec!.template.spec!.containers[0]!;
  assert.equal(worker.readinessProbe, undefined, 'workers are not probed');
  assert.equal(worker.ports, undefined);
});

test('the Secret holds the config byte-exact, immutable; the Job never retries', () => {
  const secret = makeConfigSecret(spec, settings);
  assert.equal(secret.immutable, true);
  assert.equal(Buffer.from(secret.data!.GREETING!, 'base64').toString('utf8'), 'hello "world"\n$(x)');
  const job = makeReleaseJob({ ...spec, process: 'release', command: 'exit 3' }, 90, settings, 'shop-v4-release-ab12');
  assert.equal(job.spec?.backoffLimit, 0);
  assert.equal(job.spec?.activeDeadlineSeconds, 90);
  assert.equal(job.spec?.template.spec?.restartPolicy, 'Never');
});

test('names and images', () => {
  assert.equal(deploymentName({ app: 'shop', release: 12, process: 'clock_2' }), 'shop-v12-clock-2');
  assert.equal(instanceName('web', 'shop-v4-web-7d9f8c6b5-x2k9z'), 'web.x2k9z');
  assert.match(jobName('shop', 4), /^shop-v4-release-[0-9a-f]{4}$/);
  const registry = { push: '127.0.0.1:5000', pull: '127.0.0.1:5000' };
  assert.equal(podImage('127.0.0.1:5000/shop:v4', 'sha256:abc', registry), '127.0.0.1:5000/shop@sha256:abc');
  assert.equal(podImage('127.0.0.1:5000/shop:v4', null, registry), '127.0.0.1:5000/shop:v4', 'no digest: the tag');
});
