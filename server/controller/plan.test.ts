/**
 * The planner as a table: given desired and observed state, the sets that
 * must exist (with replicas), the sets that go, and the route. Final state
 * only, never call order (knative's table_test.go).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Instance, ObservedSet } from '../runtime/runtime.js';
import type { TrafficShare } from '../store/store.js';
import type { Formation, Release } from '../store/types.js';
import { planApp, type AppDesired } from './plan.js';

const release = (version: number, over: Partial<Release> = {}): Release => ({
  appId: 1, version, runsOn: version, status: 'succeeded', buildId: null, image: `img:${version}`, digest: null, config: { V: String(version) },
  processTypes: { web: 'node web.js', worker: 'node worker.js' }, description: '', createdBy: '', createdAt: new Date(0), error: null, ranReleasePhase: false, ...over,
});

const instance = (release: number, n: number, ready = true): Instance => ({
  id: `v${release}-${n}`, name: `web.${n}`, app: 'shop', release, process: 'web', state: 'running', restartCount: 0, ready,
  endpoint: { host: '127.0.0.1', port: 5000 + release * 10 + n },
});

const observed = (release: number, process: string, replicas: number, instances: Instance[] = []): ObservedSet => ({
  app: 'shop', release, process, replicas, instances, readyReplicas: instances.filter((i) => i.ready).length, updated: true, template: '',
});

function desired(traffic: TrafficShare[], releases: Release[], formation: Formation = {}, warmReleases = 1): AppDesired {
  const newest = Math.max(0, ...traffic.filter((s) => s.weight > 0).map((s) => s.version));
  return {
    app: 'shop', healthcheckPath: null, traffic, formation, warmReleases,
    releases: new Map(releases.map((r) => [r.version, r])),
    warmCandidates: releases.filter((r) => r.version < newest && r.status === 'succeeded').sort((a, b) => b.version - a.version),
  };
}

const sets = (plan: ReturnType<typeof planApp>) => plan.apply.map((s) => `v${s.release}/${s.process}=${s.replicas}`).sort();
const removed = (plan: ReturnType<typeof planApp>) => plan.remove.map((s) => `v${s.release}/${s.process}`).sort();

test('planApp: which sets run, with how many replicas, and which go', () => {
  const cases: Array<{ name: string; desired: AppDesired; observed: ObservedSet[]; apply: string[]; remove: string[] }> = [
    {
      name: 'first deploy: the release at weight 0 gets the default formation (web=1, others 0)',
      desired: desired([{ version: 1, weight: 0 }], [release(1, { status: 'pending' })]),
      observed: [], apply: ['v1/web=1', 'v1/worker=0'], remove: [],
    },
    {
      name: 'a deploy in progress: both run at the formation, v1 still serves',
      desired: desired([{ version: 1, weight: 100 }, { version: 2, weight: 0 }], [release(1), release(2, { status: 'pending' })], { web: 3, worker: 1 }),
      observed: [observed(1, 'web', 3), observed(1, 'worker', 1)],
      apply: ['v1/web=3', 'v1/worker=1', 'v2/web=3', 'v2/worker=1'], remove: [],
    },
    {
      name: 'after it: v1 stays warm with the replicas it has, v0 sets left the window',
      desired: desired([{ version: 2, weight: 100 }], [release(1), release(2)], { web: 3 }),
      observed: [observed(1, 'web', 2), observed(2, 'web', 3), observed(0, 'web', 1)],
      apply: ['v1/web=2', 'v1/worker=0', 'v2/web=3', 'v2/worker=0'], remove: ['v0/web'],
    },
    {
      name: 'a warm set lost with the host comes back at the formation',
      desired: desired([{ version: 2, weight: 100 }], [release(1), release(2)], { web: 2 }),
      observed: [observed(2, 'web', 2)], apply: ['v1/web=2', 'v1/worker=0', 'v2/web=2', 'v2/worker=0'], remove: [],
    },
    {
      name: 'a warm rollback (v3 runs on v1): v1 serves at the formation, v2 is the warm one',
      desired: desired([{ version: 3, weight: 100 }], [release(1), release(2), release(3, { runsOn: 1 })], { web: 2 }),
      observed: [observed(1, 'web', 1), observed(2, 'web', 2)],
      apply: ['v1/web=2', 'v1/worker=0', 'v2/web=2', 'v2/worker=0'], remove: [],
    },
    {
      name: 'failed releases never stay warm; warm window 0 keeps only what serves',
      desired: desired([{ version: 3, weight: 100 }], [release(1), release(2, { status: 'failed' }), release(3)], {}, 0),
      observed: [observed(1, 'web', 1), observed(2, 'web', 1), observed(3, 'web', 1)],
      apply: ['v3/web=1', 'v3/worker=0'], remove: ['v1/web', 'v2/web'],
    },
    {
      name: 'no traffic (app destroyed or never deployed): everything goes',
      desired: desired([], [release(1)]), observed: [observed(1, 'web', 1)], apply: [], remove: ['v1/web'],
    },
  ];
  for (const c of cases) {
    const plan = planApp(c.desired, c.observed);
    assert.deepEqual(sets(plan), c.apply.sort(), c.name);
    assert.deepEqual(removed(plan), c.remove.sort(), c.name);
  }
});

test('planApp: a set spec carries the image, command and config of the release whose instances it is', () => {
  const plan = planApp(desired([{ version: 3, weight: 100 }], [release(1), release(3, { runsOn: 1, image: 'img:1', config: { V: '1' } })]), []);
  const web = plan.apply.find((s) => s.release === 1 && s.process === 'web')!;
  assert.deepEqual({ image: web.image, command: web.command, env: web.env }, { image: 'img:1', command: 'node web.js', env: { V: '1' } });
});

test('planApp: the route lists serving releases with their ready web endpoints; the live set is the biggest share', () => {
  const plan = planApp(
    desired([{ version: 1, weight: 90 }, { version: 2, weight: 10 }, { version: 3, weight: 0 }], [release(1), release(2), release(3, { status: 'pending' })]),
    [
      observed(1, 'web', 2, [instance(1, 1), instance(1, 2, false)]),
      observed(2, 'web', 1, [instance(2, 1)]),
      observed(3, 'web', 1, [instance(3, 1)]),
    ],
  );
  assert.deepEqual(plan.route, {
    app: 'shop',
    releases: [
      { release: 1, weight: 90, endpoints: [{ id: 'v1-1', host: '127.0.0.1', port: 5011 }] },
      { release: 2, weight: 10, endpoints: [{ id: 'v2-1', host: '127.0.0.1', port: 5021 }] },
    ],
  });
  assert.equal(plan.live, 1);
  assert.equal(planApp(desired([{ version: 1, weight: 0 }], [release(1)]), []).route, undefined, 'weight 0 alone is not routed');
});
