/**
 * The release lifecycle against a real SQLite store and an in-memory runtime
 * whose web instances are real HTTP servers on 127.0.0.1. Each case states
 * the starting releases and asserts the final state a user would see:
 * traffic, release status, which instance sets run, whether anything new was
 * started.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createMemoryRuntime, type MemoryRuntime } from '../../test/support/memory-runtime.js';
import { PaasError } from '../errors.js';
import { RouteHub } from '../routes/route-hub.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/store.js';
import type { App, User } from '../store/types.js';
import { Applier } from './applier.js';
import { Controller, type ControllerSettings } from './controller.js';

interface World {
  store: Store;
  runtime: MemoryRuntime;
  hub: RouteHub;
  controller: Controller;
  app: App;
  user: User;
  /** Creates and rolls out a release of `image`; returns its version (throws when it fails). */
  deploy(image: string, processTypes?: Record<string, string>): Promise<number>;
  /** Instance sets (labels) that have instances. */
  sets(): Promise<number[]>;
  traffic(): Promise<string>;
}

async function world(t: { after(fn: () => Promise<void>): void }, settings: Partial<ControllerSettings> = {}): Promise<World> {
  const dir = await mkdtemp(join(tmpdir(), 'paas-controller-'));
  const store = openSqliteStore({ file: join(dir, 'paas.db') });
  const runtime = createMemoryRuntime();
  const hub = new RouteHub();
  const log = () => undefined;
  const full: ControllerSettings = { warmReleases: 1, readyTimeoutMs: 600, releasePhaseTimeoutMs: 5000, maxInstancesPerType: 5, ...settings };
  const applier = new Applier({ store, runtime, hub, log, warmReleases: full.warmReleases });
  runtime.onChange((name) => void applier.convergeQuietly(name));
  const controller = new Controller({ store, runtime, applier, log, now: () => new Date(), settings: full });
  const user = await store.createUser({ email: 'dev@example.com', admin: false });
  const app = await store.createApp({ name: 'shop', ownerId: user.id });
  t.after(async () => {
    await controller.idle();
    await runtime.shutdown();
    await controller.idle();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  const w: World = {
    store, runtime, hub, controller, app, user,
    async deploy(image, processTypes = { web: '' }) {
      const release = await controller.createRelease({ app, user, buildId: null, image, digest: null, processTypes, description: `Deploy ${image}` });
      await controller.rollout(app, release);
      await controller.idle();
      return release.version;
    },
    async sets() {
      return [...new Set(runtime.observe(app.name).filter((s) => s.instances.length > 0).map((s) => s.release))].sort((a, b) => a - b);
    },
    async traffic() {
      return (await store.getTraffic(app.id)).map((s) => `v${s.version}=${s.weight}`).join(' ');
    },
  };
  return w;
}

test('a deploy moves all traffic and keeps the previous release warm; older sets are retired', async (t) => {
  const w = await world(t);
  await w.deploy('img:1');
  await w.deploy('img:2');
  assert.equal(await w.traffic(), 'v2=100');
  assert.deepEqual(await w.sets(), [1, 2], 'v1 stays warm');
  await w.deploy('img:3');
  assert.deepEqual(await w.sets(), [2, 3], 'v1 left the warm window');
  const table = w.hub.current().table['shop']!;
  assert.deepEqual(table.releases.map((r) => [r.release, r.weight, r.endpoints.length]), [[3, 100, 1]]);
});

const rollbacks: Array<{ name: string; warmReleases: number; want: { warm: boolean; newStarts: number } }> = [
  { name: 'warm: only traffic moves, nothing starts', warmReleases: 1, want: { warm: true, newStarts: 0 } },
  { name: 'warm releases off: v1 is started again from its image', warmReleases: 0, want: { warm: false, newStarts: 1 } },
];
for (const c of rollbacks) {
  test(`rollback to the previous release, ${c.name}`, async (t) => {
    const w = await world(t, { warmReleases: c.warmReleases });
    await w.deploy('img:1');
    await w.deploy('img:2');
    const before = w.runtime.started;
    const result = await w.controller.rollback(w.app, w.user);
    await w.controller.idle();
    assert.equal(result.warm, c.want.warm);
    assert.equal(w.runtime.started - before, c.want.newStarts);
    assert.equal(result.release.version, 3);
    assert.equal(result.release.description, 'Rollback to v1');
    assert.equal(result.release.image, 'img:1');
    assert.equal(await w.traffic(), 'v3=100');
    const table = w.hub.current().table['shop']!;
    assert.equal(table.releases[0]!.release, 3, 'the router says v3');
    const served = await fetch(`http://127.0.0.1:${table.releases[0]!.endpoints[0]!.port}/`).then((r) => r.text());
    assert.equal(served, c.want.warm ? 'v1' : 'v3', 'a warm rollback is served by v1\'s own instances');
  });
}

test('a release that never gets ready fails, is removed, and traffic stays on the last good release', async (t) => {
  const w = await world(t);
  await w.deploy('img:1');
  for (const image of ['img:never-listens', 'img:crashes']) {
    await assert.rejects(w.deploy(image), (err: unknown) => err instanceof PaasError && err.code === 'RELEASE_FAILED' && /did not become ready/.test(err.message));
  }
  assert.equal(await w.traffic(), 'v1=100');
  assert.deepEqual(await w.sets(), [1]);
  assert.deepEqual((await w.store.listReleases(w.app.id, 10)).map((r) => [r.version, r.status]), [[3, 'failed'], [2, 'failed'], [1, 'succeeded']]);
  // Rolling back skips failed releases and refuses them as targets.
  await assert.rejects(w.controller.rollback(w.app, w.user, 2), /never went live/);
});

test('a failing release phase stops the release before any instance starts; rollback warns about data changes', async (t) => {
  const w = await world(t);
  await w.deploy('img:1');
  const before = w.runtime.started;
  await assert.rejects(w.deploy('img:2', { web: '', release: 'exit 3' }), /release phase failed with exit code 3/);
  assert.equal(w.runtime.started, before, 'no instance of the failed release started');
  assert.equal(await w.traffic(), 'v1=100');

  await w.deploy('img:3', { web: '', release: 'exit 0' });
  const rollback = await w.controller.rollback(w.app, w.user);
  assert.equal(rollback.target.version, 1);
  // v2's release phase failed, but it ran: a half-done migration is a data change too.
  assert.deepEqual(rollback.warnings, [
    'v3 ran a release phase; its data changes (e.g. migrations) are not rolled back',
    'v2 ran a release phase; its data changes (e.g. migrations) are not rolled back',
  ]);
});

test('scaling checks its input, follows the formation, and a warm rollback takes the formation along', async (t) => {
  const w = await world(t);
  await w.deploy('img:1', { web: '', worker: 'node worker.js' });
  await assert.rejects(w.controller.scale(w.app, { clock: 1 }), /no process type "clock"/);
  await assert.rejects(w.controller.scale(w.app, { web: 6 }), /web=6: want a whole number from 0 to 5/);
  await assert.rejects(w.controller.scale(w.app, { web: -1 }), /whole number/);

  await w.controller.scale(w.app, { web: 3, worker: 1 });
  await w.deploy('img:2', { web: '', worker: 'node worker.js' });
  const counts = async (label: number) => w.runtime.observe('shop').filter((s) => s.release === label).flatMap((s) => s.instances).map((i) => i.process).sort().join(',');
  assert.equal(await counts(2), 'web,web,web,worker', 'a new release starts with the formation');
  await w.controller.scale(w.app, { web: 1 });
  await w.controller.idle();
  assert.equal(await counts(2), 'web,worker');

  await w.controller.rollback(w.app, w.user);
  await w.controller.idle();
  assert.equal(await counts(1), 'web,worker', 'the warm set is brought to the current formation');
  assert.equal(w.hub.current().table['shop']!.releases[0]!.endpoints.length, 1);
});

test('rolling back to what already runs is refused', async (t) => {
  const w = await world(t);
  await w.deploy('img:1');
  await w.deploy('img:2');
  await w.controller.rollback(w.app, w.user, 1);
  await assert.rejects(w.controller.rollback(w.app, w.user, 1), /v1 is already live \(as v3\)/);
  await assert.rejects(w.controller.rollback(w.app, w.user, 3), /v3 is already live/);
});

test('after a server restart, reconcile fails what was interrupted and keeps the live set at its formation', async (t) => {
  const w = await world(t);
  await w.deploy('img:1');
  await w.controller.scale(w.app, { web: 2 });
  const interrupted = await w.controller.createRelease({ app: w.app, user: w.user, buildId: null, image: 'img:2', digest: null, processTypes: { web: '' }, description: 'Deploy img:2' });
  // The rollout had put v2 in the traffic table at weight 0 when the server died.
  await w.store.setTraffic(w.app.id, [{ version: 1, weight: 100 }, { version: interrupted.version, weight: 0 }]);

  await w.controller.reconcileAll();
  await w.controller.idle();
  assert.equal((await w.store.getRelease(w.app.id, interrupted.version))!.status, 'failed');
  assert.equal(await w.traffic(), 'v1=100');
  assert.deepEqual(await w.sets(), [1]);
  assert.equal(w.runtime.observe('shop').find((s) => s.release === 1)!.instances.length, 2);
});

test('an instance removed by hand comes back and the route follows, without a user action', async (t) => {
  const w = await world(t);
  await w.deploy('img:1');
  await w.controller.scale(w.app, { web: 2 });
  const [gone, kept] = w.runtime.observe('shop')[0]!.instances;
  await w.runtime.removeByHand(gone!.id);
  await w.controller.idle();
  const web = w.runtime.observe('shop')[0]!.instances;
  assert.equal(web.length, 2, 'the set is back at its replicas');
  assert.ok(web.some((i) => i.id === kept!.id), 'the running instance is left alone');
  const endpoints = w.hub.current().table['shop']!.releases[0]!.endpoints;
  assert.deepEqual(endpoints.map((e) => e.id).sort(), web.map((i) => i.id).sort(), 'the route names the instances that run');
});

test('a rolling restart replaces every instance of the serving set and the route names only new ones', async (t) => {
  const w = await world(t);
  await w.deploy('img:1', { web: '', worker: 'node worker.js' });
  await w.controller.scale(w.app, { web: 2, worker: 1 });
  const before = w.runtime.observe('shop').flatMap((s) => s.instances.map((i) => i.id));
  assert.equal(await w.controller.restart(w.app), 3);
  await w.controller.idle();
  const after = w.runtime.observe('shop').flatMap((s) => s.instances.map((i) => i.id));
  assert.equal(after.length, 3);
  assert.deepEqual(after.filter((id) => before.includes(id)), [], 'no old instance is left');
  assert.equal(await w.controller.restart(w.app, 'worker'), 1);
  await assert.rejects(w.controller.restart(w.app, 'clock'), /No process type "clock"/);
});

test('destroy removes every set and the route', async (t) => {
  const w = await world(t);
  await w.deploy('img:1');
  await w.deploy('img:2');
  await w.controller.destroy(w.app);
  await w.controller.idle();
  assert.deepEqual(w.runtime.observe('shop'), []);
  assert.equal(w.hub.current().table['shop'], undefined);
});
