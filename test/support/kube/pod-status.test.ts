/**
 * What the kubelet and scheduler report when things go wrong, with the
 * reasons and messages of a real node: CrashLoopBackOff with restarts and
 * lastState, ErrImagePull / ImagePullBackOff, CreateContainerConfigError
 * for a missing Secret (recovering once it exists), an unready pod
 * pushing its Deployment to ProgressDeadlineExceeded, liveness restarts,
 * and Unschedulable when requests do not fit the node.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { appDeployment, createNamespace, eventually, raw, startKit, type Kit } from './test-kit.js';

const pod = (name: string, image: string, extra: Record<string, unknown> = {}): any => ({
  metadata: { name },
  spec: { containers: [{ name: 'app', image, ports: [{ containerPort: 8080 }], ...extra }] },
});

describe('kube double: pod status', () => {
  let kit: Kit;
  before(async () => {
    kit = await startKit({ nodeCapacity: { cpu: '2', memory: '1Gi' } });
    await createNamespace(kit, 'ps');
  });
  after(() => kit.close());

  const status = (name: string): any => kit.kube.get('pods', 'ps', name)?.status;
  const container = (name: string): any => status(name)?.containerStatuses?.[0];

  test('crashloop: CrashLoopBackOff, restartCount, lastState, logs of the previous instance', async () => {
    await kit.core.createNamespacedPod({ namespace: 'ps', body: pod('crash', 'fake.paas.test/crashloop:1') });
    const cs = await eventually('CrashLoopBackOff after a restart', () => {
      const c = container('crash');
      return c?.state?.waiting?.reason === 'CrashLoopBackOff' && c.restartCount >= 1 ? c : undefined;
    });
    assert.match(cs.state.waiting.message, /^back-off \d+(\.\d+)?m?s restarting failed container=app pod=crash_ps\([0-9a-f-]+\)$/);
    assert.equal(cs.lastState.terminated.exitCode, 1);
    assert.equal(cs.lastState.terminated.reason, 'Error');
    assert.equal(cs.ready, false);
    assert.equal(status('crash').phase, 'Running', 'a crash-looping pod with restartPolicy Always is Running');
    const logs = await kit.core.readNamespacedPodLog({ namespace: 'ps', name: 'crash', previous: true });
    assert.equal(logs, 'crashing: fake.paas.test/crashloop:1\n');
    const backoff = kit.kube.list('events', 'ps').find((e) => e.reason === 'BackOff' && e.involvedObject.name === 'crash');
    assert.equal(backoff?.type, 'Warning');
    assert.equal(backoff?.involvedObject.fieldPath, 'spec.containers{app}');
  });

  test('pull-fails: ErrImagePull then ImagePullBackOff; logs say why', async () => {
    await kit.core.createNamespacedPod({ namespace: 'ps', body: pod('pull', 'fake.paas.test/pull-fails:1') });
    await eventually('ErrImagePull', () => container('pull')?.state?.waiting?.reason === 'ErrImagePull');
    const c = await eventually('ImagePullBackOff', () => (container('pull')?.state?.waiting?.reason === 'ImagePullBackOff' ? container('pull') : undefined));
    assert.match(c.state.waiting.message, /^Back-off pulling image "fake.paas.test\/pull-fails:1"/);
    assert.equal(status('pull').phase, 'Pending');
    const logs = await raw(kit.kube, 'GET', '/api/v1/namespaces/ps/pods/pull/log');
    assert.equal(logs.status, 400);
    assert.match(logs.body.message, /^container "app" in pod "pull" is waiting to start: (trying and failing to pull image|image can't be pulled)$/);
  });

  test('a missing Secret is CreateContainerConfigError until it appears', async () => {
    await kit.core.createNamespacedPod({ namespace: 'ps', body: pod('cfg', 'fake.paas.test/web:1', { envFrom: [{ secretRef: { name: 'later' } }] }) });
    const c = await eventually('CreateContainerConfigError', () => (container('cfg')?.state?.waiting?.reason === 'CreateContainerConfigError' ? container('cfg') : undefined));
    assert.equal(c.state.waiting.message, 'secret "later" not found');
    await kit.core.createNamespacedSecret({ namespace: 'ps', body: { metadata: { name: 'later' }, stringData: { FROM_SECRET: 'yes' } } });
    await eventually('running once the secret exists', () => container('cfg')?.state?.running);
    const ip = status('cfg').podIP;
    const body = (await eventually('the server', async () => (await fetch(`http://${ip}:8080/`)).json())) as { env: Record<string, string> };
    assert.equal(body.env.FROM_SECRET, 'yes');
  });

  test('never-ready stays unready and the Deployment hits ProgressDeadlineExceeded', async () => {
    await kit.apps.createNamespacedDeployment({ namespace: 'ps', body: appDeployment('stuck', { image: 'fake.paas.test/never-ready:1', progressDeadlineSeconds: 2 }) });
    const d = await eventually(
      'ProgressDeadlineExceeded',
      () => {
        const d = kit.kube.get('deployments', 'ps', 'stuck');
        return (d?.status?.conditions ?? []).some((c: any) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded') ? d : undefined;
      },
      8000,
    );
    const progressing = d.status.conditions.find((c: any) => c.type === 'Progressing');
    assert.equal(progressing.status, 'False');
    assert.match(progressing.message, /^ReplicaSet "stuck-[a-z0-9]+" has timed out progressing\.$/);
    assert.equal(d.status.readyReplicas, undefined);
    assert.equal(d.status.unavailableReplicas, 1);
    const p = kit.kube.list('pods', 'ps').find((x) => x.metadata.labels?.app === 'stuck');
    const ready = p?.status.conditions.find((c: any) => c.type === 'Ready');
    assert.equal(ready.status, 'False');
    assert.equal(ready.reason, 'ContainersNotReady');
    assert.equal(ready.message, 'containers with unready status: [web]');
    assert.ok(kit.kube.list('events', 'ps').some((e) => e.reason === 'Unhealthy' && /^Readiness probe failed: Get "http:\/\/127\.[\d.]+:8080\/healthz": dial tcp [\d.:]+: connect: connection refused$/.test(e.message)));
  });

  test('slow-start becomes ready after it listens; liveness failures restart the container', async () => {
    await kit.core.createNamespacedPod({ namespace: 'ps', body: pod('slow', 'fake.paas.test/slow-start:1', { readinessProbe: { httpGet: { path: '/', port: 8080 } } }) });
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(container('slow')?.ready, false);
    await eventually('ready', () => container('slow')?.ready === true, 5000);
    await kit.core.createNamespacedPod({
      namespace: 'ps',
      body: pod('dead', 'fake.paas.test/never-ready:1', { livenessProbe: { tcpSocket: { port: 8080 }, failureThreshold: 2 } }),
    });
    const c = await eventually('a liveness restart', () => (container('dead')?.restartCount >= 1 ? container('dead') : undefined), 8000);
    assert.ok(c.lastState.terminated);
    assert.ok(kit.kube.list('events', 'ps').some((e) => e.reason === 'Killing' && e.message === 'Container app failed liveness probe, will be restarted'));
  });

  test('init containers run first; OnFailure restarts; exec probes cannot run on fake images; container images need an engine', async () => {
    await kit.core.createNamespacedPod({
      namespace: 'ps',
      body: {
        metadata: { name: 'init' },
        spec: {
          initContainers: [{ name: 'prepare', image: 'fake.paas.test/tools', command: ['/bin/sh', '-c', 'echo preparing'] }],
          containers: [{ name: 'app', image: 'fake.paas.test/web:1', ports: [{ containerPort: 8080 }], readinessProbe: { exec: { command: ['true'] } } }],
        },
      },
    });
    const s = await eventually('app running after init', () => (status('init')?.containerStatuses?.[0]?.state?.running ? status('init') : undefined));
    assert.equal(s.initContainerStatuses[0].state.terminated.reason, 'Completed');
    assert.equal(s.conditions.find((c: any) => c.type === 'Initialized').status, 'True');
    assert.equal((await kit.core.readNamespacedPodLog({ namespace: 'ps', name: 'init', container: 'prepare' })), 'preparing\n');
    const unhealthy = await eventually('an exec probe event', () => kit.kube.list('events', 'ps').find((e) => e.involvedObject.name === 'init' && e.reason === 'Unhealthy'));
    assert.match(unhealthy.message, /^Readiness probe errored: exec actions are not supported by the Kubernetes API double/);
    assert.equal(container('init').ready, false);

    await kit.core.createNamespacedPod({ namespace: 'ps', body: { metadata: { name: 'retry' }, spec: { restartPolicy: 'OnFailure', containers: [{ name: 'app', image: 'fake.paas.test/job', command: ['/bin/sh', '-c', 'exit 2'] }] } } });
    await eventually('restarted on failure', () => container('retry')?.restartCount >= 1);
    assert.equal(status('retry').phase, 'Running');

    await kit.core.createNamespacedPod({ namespace: 'ps', body: { metadata: { name: 'real' }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } } });
    const c = await eventually('ErrImagePull', () => (container('real')?.state?.waiting?.reason === 'ErrImagePull' ? container('real') : undefined));
    assert.match(c.state.waiting.message, /has no container engine/);
  });

  test('requests that do not fit the node leave the pod Pending and Unschedulable', async () => {
    await kit.core.createNamespacedPod({ namespace: 'ps', body: pod('huge', 'fake.paas.test/web:1', { resources: { requests: { memory: '2Gi' } } }) });
    const cond = await eventually('PodScheduled False', () => status('huge')?.conditions?.find((c: any) => c.type === 'PodScheduled' && c.status === 'False'));
    assert.equal(cond.reason, 'Unschedulable');
    assert.equal(cond.message, '0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.');
    assert.equal(status('huge').phase, 'Pending');
    assert.equal(kit.kube.get('pods', 'ps', 'huge')?.spec.nodeName, undefined);
    assert.equal(status('huge').qosClass, 'Burstable');
  });
});
