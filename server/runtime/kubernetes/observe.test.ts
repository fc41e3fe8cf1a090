/**
 * What the driver reports for a set, from the objects the API server holds:
 * readiness from EndpointSlices, current pods by template token, draining
 * pods as stopping, and failures named by the pod's own reasons.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Deployment, V1EndpointSlice, V1Pod } from '@kubernetes/client-node';
import { observeSet } from './observe.js';

const key = { app: 'shop', release: 4, process: 'web' };

function deployment(replicas: number, token = '', generation = 2, observed = 2): V1Deployment {
  return {
    metadata: { name: 'shop-v4-web', generation },
    spec: { replicas, selector: {}, template: { metadata: { annotations: { 'paas.dev/restarted-at': token } } } },
    status: { observedGeneration: observed },
  };
}

function pod(name: string, over: { token?: string; ip?: string; state?: object; lastState?: object; restarts?: number; deleting?: boolean; conditions?: object[] } = {}): V1Pod {
  return {
    metadata: {
      name, namespace: 'paas-shop', creationTimestamp: new Date(`2026-01-01T00:00:0${name.slice(-1)}Z`), annotations: { 'paas.dev/restarted-at': over.token ?? '' },
      ...(over.deleting ? { deletionTimestamp: new Date('2026-01-01T00:01:00Z') } : {}),
    },
    spec: { containers: [{ name: 'web' }], restartPolicy: 'Always' },
    status: {
      ...(over.ip ? { podIP: over.ip } : {}),
      conditions: (over.conditions ?? []) as never,
      containerStatuses: [{
        name: 'web', image: 'i', imageID: '', ready: false, restartCount: over.restarts ?? 0,
        state: (over.state ?? { running: { startedAt: new Date('2026-01-01T00:00:10Z') } }) as never,
        ...(over.lastState ? { lastState: over.lastState as never } : {}),
      }],
    },
  };
}

function slice(ready: Record<string, boolean>): V1EndpointSlice {
  return {
    addressType: 'IPv4',
    endpoints: Object.entries(ready).map(([name, r]) => ({ addresses: ['10.0.0.1'], conditions: { ready: r }, targetRef: { kind: 'Pod', name, namespace: 'paas-shop' } })),
  };
}

test('ready web instances are those an EndpointSlice lists ready, with their pod IP on port 5000', () => {
  const set = observeSet({
    key, deployment: deployment(2),
    pods: [pod('shop-v4-web-abc-aaaa1', { ip: '127.1.0.1' }), pod('shop-v4-web-abc-aaaa2', { ip: '127.1.0.2' })],
    slices: [slice({ 'shop-v4-web-abc-aaaa1': true, 'shop-v4-web-abc-aaaa2': false })],
  });
  assert.deepEqual(set.instances.map((i) => [i.name, i.ready, i.endpoint?.host, i.endpoint?.port]), [
    ['web.aaaa1', true, '127.1.0.1', 5000],
    ['web.aaaa2', false, '127.1.0.2', 5000],
  ]);
  assert.equal(set.readyReplicas, 1);
  assert.equal(set.replicas, 2);
  assert.equal(set.updated, true);
  assert.equal(set.failure, undefined);
});

test('during a restart only pods with the new token count, draining pods are stopping, and the set is not updated until old ones are gone', () => {
  const set = observeSet({
    key, deployment: deployment(1, 't2', 3, 3),
    pods: [pod('shop-v4-web-old-aaaa1', { ip: '127.1.0.1', deleting: true }), pod('shop-v4-web-new-bbbb2', { ip: '127.1.0.2', token: 't2' }), pod('shop-v4-web-old-aaaa3', { ip: '127.1.0.3' })],
    slices: [slice({ 'shop-v4-web-old-aaaa1': false, 'shop-v4-web-new-bbbb2': true, 'shop-v4-web-old-aaaa3': true })],
  });
  assert.deepEqual(set.instances.map((i) => `${i.name} ${i.state} ${i.ready}`), ['web.aaaa1 stopping false', 'web.bbbb2 running true', 'web.aaaa3 running true']);
  assert.equal(set.readyReplicas, 1);
  assert.equal(set.updated, false);
  assert.equal(observeSet({ key, deployment: deployment(1, 't2', 4, 3), pods: [], slices: [] }).updated, false, 'a spec the controller has not seen is not updated');
});

test('failures name the pod and the reason: crash loop, image pull, progress deadline; passing states are no failure', () => {
  const cases: Array<[string, V1Pod[], V1Deployment, RegExp | undefined]> = [
    ['crash loop', [pod('x-aaaa1', { state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 3 } }, restarts: 2 })], deployment(1), /web\.aaaa1: it crashed \(exit code 3\) and is restarting/],
    ['pull', [pod('x-aaaa1', { state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "r/shop@sha256:1"' } } })], deployment(1), /web\.aaaa1: its image cannot be pulled \(ImagePullBackOff: Back-off pulling image/],
    ['unschedulable while a node is added is no failure', [pod('x-aaaa1', { state: { waiting: { reason: 'ContainerCreating' } }, conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available: 1 Insufficient memory.' }] })], deployment(1), undefined],
    ['one crash is no failure', [pod('x-aaaa1', { state: { running: {} }, lastState: { terminated: { exitCode: 1 } }, restarts: 1 })], deployment(1), undefined],
    ['a first failed pull is no failure', [pod('x-aaaa1', { state: { waiting: { reason: 'ErrImagePull' } } })], deployment(1), undefined],
    ['deadline', [], { ...deployment(1), status: { observedGeneration: 2, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "x" has timed out progressing.' }] } } as V1Deployment, /web: the Deployment made no progress/],
    ['still starting is no failure', [pod('x-aaaa1', { state: { waiting: { reason: 'ContainerCreating' } } })], deployment(1), undefined],
  ];
  for (const [name, pods, d, want] of cases) {
    const set = observeSet({ key, deployment: d, pods, slices: [] });
    if (want === undefined) assert.equal(set.failure, undefined, name);
    else assert.match(`${set.failure?.instance}: ${set.failure?.reason}`, want, name);
    if (name.startsWith('unschedulable')) assert.match(set.instances[0]!.reason ?? '', /Unschedulable: 0\/1 nodes are available/, 'the reason the deadline message gives');
  }
});
