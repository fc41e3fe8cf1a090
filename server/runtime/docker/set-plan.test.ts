import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planSet, type ContainerView, type SetTarget } from './set-plan.js';

const c = (id: string, over: Partial<ContainerView> = {}): ContainerView => ({
  id, index: Number(id.replace(/\D/g, '')) || 1, token: 'a', ready: true, stopping: false, down: false, ...over,
});
const target = (over: Partial<SetTarget> = {}): SetTarget => ({ replicas: 3, token: 'a', deleting: false, ...over });

test('planSet: scale, heal and delete', () => {
  const cases: Array<[string, SetTarget, ContainerView[], { start: number; retire: string[]; revive: string[] }]> = [
    ['a new set starts its replicas', target(), [], { start: 3, retire: [], revive: [] }],
    ['at its replicas nothing happens', target(), [c('w1'), c('w2'), c('w3')], { start: 0, retire: [], revive: [] }],
    ['stopping instances are not counted', target(), [c('w1'), c('w2'), c('w3', { stopping: true })], { start: 1, retire: [], revive: [] }],
    ['scale down: highest numbers go, not-ready ones first', target({ replicas: 1 }), [c('w1'), c('w2', { ready: false }), c('w3')], { start: 0, retire: ['w2', 'w3'], revive: [] }],
    ['a container stopped by hand is started again', target(), [c('w1'), c('w2', { down: true, ready: false }), c('w3')], { start: 0, retire: [], revive: ['w2'] }],
    ['deleting retires everything still live', target({ deleting: true }), [c('w1'), c('w2', { stopping: true })], { start: 0, retire: ['w1'], revive: [] }],
  ];
  for (const [name, t, containers, want] of cases) assert.deepEqual(planSet(t, containers), want, name);
});

test('planSet: a rolling restart never has fewer ready than replicas nor more than one extra', () => {
  // Simulate: each step applies the plan; a started instance becomes ready on the next step.
  let containers: ContainerView[] = [c('w1'), c('w2'), c('w3')];
  const t = target({ token: 'b' });
  let next = 4;
  for (let step = 0; step < 20; step++) {
    containers = containers.map((x) => ({ ...x, ready: x.ready || x.token === 'b' }));
    const actions = planSet(t, containers);
    containers = containers.filter((x) => !actions.retire.includes(x.id));
    for (let i = 0; i < actions.start; i++) containers.push(c(`w${next++}`, { token: 'b', ready: false }));
    assert.ok(containers.filter((x) => x.ready).length >= 3, `step ${step}: ${JSON.stringify(containers)}`);
    assert.ok(containers.length <= 4, `step ${step}: ${containers.length} running`);
  }
  assert.deepEqual(containers.map((x) => x.token), ['b', 'b', 'b']);
});

test('planSet: old instances that are not ready go at once during a restart', () => {
  const actions = planSet(target({ token: 'b', replicas: 2 }), [c('w1', { ready: false }), c('w2')]);
  assert.deepEqual(actions, { start: 1, retire: ['w1'], revive: [] });
});
