/**
 * The Kubernetes driver against the API double, on what the scenario suite
 * does not reach: watches that drop, expire (410) or stall while a rollout
 * is under way (the driver lists again and misses no state change), API
 * errors on writes (retried or translated), a missing permission at start,
 * a new driver object adopting what runs, failures that come from the pod
 * (image pull, scheduling), logs, and the release phase as a Job with its
 * output streamed. The verbs it really used are compared with the ones the
 * start-up check asks for.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { startDoubleClients } from '../../../test/support/harness-kubernetes.js';
import type { KubeDouble } from '../../../test/support/kube/double.js';
import { isPaasError } from '../../errors.js';
import type { InstanceSetSpec, LogLine, ObservedSet, Runtime } from '../runtime.js';
import type { KubeClients } from './kube-clients.js';
import { createKubernetesRuntime, type KubernetesRuntimeOptions } from './kubernetes-runtime.js';
import { REQUIRED_PERMISSIONS, describePermission } from './permissions.js';

const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const close of closers.reverse()) await close();
});

async function world(over: Partial<KubernetesRuntimeOptions> = {}, doubleOptions: Parameters<typeof startDoubleClients>[0] = {}): Promise<{ kube: KubeDouble; clients: KubeClients; runtime: Runtime; make: () => Runtime }> {
  const { kube, clients } = await startDoubleClients(doubleOptions);
  const installation = randomBytes(3).toString('hex');
  const make = () => createKubernetesRuntime({
    clients, watchTimeoutSeconds: 20, watchStallMs: 1500,
    settings: { namespacePrefix: 'paas-', installation, drainSeconds: 0, readyTimeoutSeconds: 10, registry: { push: 'r.example', pull: 'r.example' } },
    ...over,
  });
  const runtime = make();
  closers.push(async () => {
    await runtime.close();
    await kube.close();
  });
  return { kube, clients, runtime, make };
}

const spec = (over: Partial<InstanceSetSpec> = {}): InstanceSetSpec => ({
  app: 'shop', release: 1, process: 'web', image: 'fake.paas.test/app', env: { GREETING: 'hi' }, replicas: 1, healthcheckPath: null, ...over,
});

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const set = (runtime: Runtime, release = 1, process = 'web'): ObservedSet | undefined =>
  runtime.observe('shop').find((s) => s.release === release && s.process === process);
const ready = (runtime: Runtime, replicas: number, release = 1) =>
  until(`v${release} ready x${replicas}`, () => {
    const s = set(runtime, release);
    return s && s.replicas === replicas && s.readyReplicas === replicas && s.updated && s.instances.filter((i) => i.state !== 'stopping').length === replicas ? s : undefined;
  });

describe('kubernetes runtime against the API double', () => {
  test('a rollout is seen to the end although every watch drops, expires and stalls along the way', async () => {
    const { kube, runtime } = await world();
    await runtime.start();
    await runtime.applySet(spec({ replicas: 2 }));
    kube.faults.dropWatches();
    await runtime.applySet(spec({ replicas: 3 }));
    kube.faults.compact();
    kube.faults.dropWatches({ resource: 'pods' });
    kube.faults.stallWatches({ resource: 'endpointslices' });
    const done = await ready(runtime, 3);
    assert.equal(done.instances.length, 3);
    for (const instance of done.instances) {
      const answer = await fetch(`http://${instance.endpoint!.host}:${instance.endpoint!.port}/`).then((r) => r.json()) as { env: Record<string, string> };
      assert.equal(answer.env.GREETING, 'hi', 'config reached the pod through the release Secret');
    }
    kube.faults.resumeWatches();
  });

  test('a transient API error on a write is retried; a refusal is translated with the object and the field', async () => {
    const { kube, runtime } = await world();
    await runtime.start();
    kube.faults.failNext({ verb: 'create', resource: 'deployments', status: 503, times: 2 });
    await runtime.applySet(spec());
    await ready(runtime, 1);
    kube.faults.failNext({ verb: 'patch', resource: 'deployments', status: 422, message: 'Deployment.apps "shop-v1-web" is invalid: spec.replicas: Invalid value: -1' });
    await assert.rejects(runtime.applySet(spec({ replicas: 2 })), (err) => {
      assert.ok(isPaasError(err));
      assert.equal(err.code, 'VALIDATION_FAILED');
      assert.match(err.message, /scale Deployment shop-v1-web in paas-shop: .*spec\.replicas/);
      return true;
    });
  });

  test('a missing permission stops the start and names the rule', async () => {
    const rules = REQUIRED_PERMISSIONS.filter((p) => !(p.resource === 'endpointslices' && p.verb === 'watch'))
      .map((p) => ({ apiGroups: [p.group], resources: [p.subresource ? `${p.resource}/${p.subresource}` : p.resource], verbs: [p.verb] }));
    const { runtime } = await world({}, { rules: [...rules, { apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews'], verbs: ['create'] }] });
    await assert.rejects(runtime.start(), /paas-server may not watch endpointslices\.discovery\.k8s\.io in all namespaces/);
  });

  test('the driver calls nothing its start-up check does not ask for, and asks for nothing it never calls', async () => {
    const { kube, runtime, clients } = await world();
    await runtime.start();
    // An app whose namespace exists already (a second server, a retry), and two applies racing the informer.
    await clients.core.createNamespace({ body: { metadata: { name: 'paas-shop' } } });
    await Promise.all([runtime.applySet(spec({ replicas: 1 })), runtime.applySet(spec({ replicas: 1 }))]);
    await ready(runtime, 1);
    await runtime.setLiveRelease('shop', 1);
    await runtime.applySet(spec({ release: 2 }));
    await ready(runtime, 1, 2);
    await runtime.restartSet({ app: 'shop', release: 2, process: 'web' }, 'r1');
    await runtime.setLiveRelease('shop', 2);
    await runtime.runOnce({ app: 'shop', release: 3, process: 'release', image: 'fake.paas.test/app', command: 'exit 1', env: {} }, { timeoutMs: 10_000 });
    for await (const _ of runtime.logs({ app: 'shop' }, { follow: false, tail: 1 })) void _;
    await runtime.deleteSet({ app: 'shop', release: 1, process: 'web' });
    await runtime.removeApp('shop');
    const used = new Set(kube.requests.filter((r) => r.resourceRequest !== false && r.resource !== 'selfsubjectaccessreviews')
      .map((r) => describePermission({ verb: r.verb, group: r.apiGroup ?? '', resource: r.resource!, ...(r.subresource ? { subresource: r.subresource } : {}) })));
    const asked = new Set(REQUIRED_PERMISSIONS.map(describePermission));
    assert.deepEqual([...used].filter((u) => !asked.has(u)).sort(), [], 'used but never checked');
    assert.deepEqual([...asked].filter((a) => !used.has(a)).sort(), [], 'checked but never used');
  });

  test('a new driver object adopts what runs: same pods, ready at once, nothing written', async () => {
    const { kube, runtime, make } = await world();
    await runtime.start();
    await runtime.applySet(spec({ replicas: 2 }));
    const before = (await ready(runtime, 2)).instances.map((i) => i.id).sort();
    await runtime.close();
    const restarted = make();
    closers.push(() => restarted.close());
    kube.clearRequests();
    await restarted.start();
    const adopted = set(restarted)!;
    assert.deepEqual(adopted.instances.map((i) => i.id).sort(), before);
    assert.equal(adopted.readyReplicas, 2);
    await restarted.applySet(spec({ replicas: 2 }));
    assert.deepEqual(kube.requests.filter((r) => !['get', 'list', 'watch'].includes(r.verb) && r.resource !== 'selfsubjectaccessreviews'), [], 'applying what runs writes nothing');
  });

  test('a failure comes from the pod: an image that cannot be pulled is named with the kubelet\'s reason', async () => {
    const { runtime } = await world();
    await runtime.start();
    await runtime.applySet(spec({ image: 'fake.paas.test/pull-fails' }));
    const pull = await until('a pull failure', () => set(runtime)?.failure);
    assert.match(pull.reason, /its image cannot be pulled \(ImagePullBackOff/);
  });

  test('logs: history of every pod merged by time, then new lines as they come', async () => {
    const { runtime } = await world();
    await runtime.start();
    await runtime.applySet(spec({ replicas: 2 }));
    const running = await ready(runtime, 2);
    for (const instance of running.instances) await fetch(`http://${instance.endpoint!.host}:${instance.endpoint!.port}/first`);
    const history: LogLine[] = [];
    for await (const line of runtime.logs({ app: 'shop' }, { follow: false, tail: 10 })) history.push(line);
    assert.ok(history.filter((l) => l.line.includes('GET /first')).length >= 2, history.map((l) => `${l.source} ${l.line}`).join('\n'));
    assert.ok(history.every((l) => /^web\.[a-z0-9]{5}$/.test(l.source) && l.release === 1));
    const times = history.map((l) => l.time.getTime());
    assert.deepEqual(times, [...times].sort((a, b) => a - b));

    const controller = new AbortController();
    const followed: string[] = [];
    const stop = setTimeout(() => controller.abort(), 10_000);
    const reading = (async () => {
      for await (const line of runtime.logs({ app: 'shop' }, { follow: true, tail: 0, signal: controller.signal })) {
        followed.push(line.line);
        if (line.line.includes('GET /later')) controller.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    await fetch(`http://${running.instances[0]!.endpoint!.host}:${running.instances[0]!.endpoint!.port}/later`);
    await reading;
    clearTimeout(stop);
    assert.ok(followed.some((l) => l.includes('GET /later')), followed.join('\n'));
    assert.ok(!followed.some((l) => l.includes('GET /first')), 'following starts after the history');
  });

  test('the release phase runs as a Job: output streamed, exit code kept, Job and failed Secret removed', async () => {
    const { kube, runtime } = await world();
    await runtime.start();
    const lines: string[] = [];
    const ok = await runtime.runOnce({ app: 'shop', release: 2, process: 'release', image: 'fake.paas.test/app', command: 'echo migrated', env: { A: 'b' } }, { timeoutMs: 10_000, onLine: (l) => lines.push(l) });
    assert.equal(ok.exitCode, 0);
    assert.deepEqual(lines, ['migrated']);
    const failed = await runtime.runOnce({ app: 'shop', release: 3, process: 'release', image: 'fake.paas.test/app', command: 'echo no; exit 4', env: {} }, { timeoutMs: 10_000 });
    assert.equal(failed.exitCode, 4);
    assert.ok(failed.output.includes('no'), failed.output.join('|'));
    await until('jobs gone', () => (kube.list('jobs', 'paas-shop').length === 0 ? true : undefined));
    assert.equal(kube.get('secrets', 'paas-shop', 'shop-v3-env'), undefined, 'a failed release leaves no Secret behind');
    assert.ok(kube.get('secrets', 'paas-shop', 'shop-v2-env'), 'a good one keeps its Secret for the sets that follow');
    const stuck = await runtime.runOnce({ app: 'shop', release: 4, process: 'release', image: 'fake.paas.test/pull-fails', command: 'echo x', env: {} }, { timeoutMs: 10_000 });
    assert.notEqual(stuck.exitCode, 0);
    assert.match(stuck.output.at(-1) ?? '', /cannot start: (ErrImagePull|ImagePullBackOff)/);
  });
});
