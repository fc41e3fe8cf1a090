import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openSqliteStore } from './sqlite-store.js';

const release = (appId: number) => ({
  appId, buildId: null, image: 'img', digest: null, config: { A: '1' }, processTypes: { web: 'npm start' }, description: 'Deploy', createdBy: 'a@b.c', status: 'pending' as const,
});

test('release numbers count per app and are never reused', async () => {
  const store = openSqliteStore({ file: ':memory:' });
  const user = await store.createUser({ email: 'a@b.c', admin: false });
  const one = await store.createApp({ name: 'one', ownerId: user.id });
  const two = await store.createApp({ name: 'two', ownerId: user.id });
  assert.equal((await store.createRelease(release(one.id))).version, 1);
  assert.equal((await store.createRelease(release(one.id))).version, 2);
  assert.equal((await store.createRelease(release(two.id))).version, 1);
  await store.setReleaseStatus(one.id, 2, 'failed', 'never got ready');
  assert.equal((await store.createRelease(release(one.id))).version, 3);
  assert.deepEqual((await store.listReleases(one.id, 10)).map((r) => [r.version, r.status]), [[3, 'pending'], [2, 'failed'], [1, 'pending']]);
  // What the controller asks on its hot path: one app, a few rows.
  assert.deepEqual((await store.listReleases(one.id, 10, { before: 3 })).map((r) => r.version), [2, 1]);
  assert.deepEqual((await store.listReleases(one.id, 10, { status: 'pending' })).map((r) => r.version), [3, 1]);
  assert.deepEqual((await store.listReleases(one.id, 1, { before: 3, status: 'pending' })).map((r) => r.version), [1]);
  await store.close();
});

test('migrations are versioned and a reopened database keeps its data', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'paas-store-'));
  try {
    const file = join(dir, 'paas.db');
    const first = openSqliteStore({ file });
    const user = await first.createUser({ email: 'a@b.c', admin: true });
    const app = await first.createApp({ name: 'kept', ownerId: user.id });
    await first.updateConfig(app.id, { K: 'v\n"x"' }, []);
    await first.close();
    const second = openSqliteStore({ file });
    assert.deepEqual(await second.getConfig(app.id), { K: 'v\n"x"' });
    assert.deepEqual(await second.getFormation(app.id), { web: 1 });
    await second.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('destroying an app removes its config, access and releases', async () => {
  const store = openSqliteStore({ file: ':memory:' });
  const owner = await store.createUser({ email: 'o@b.c', admin: false });
  const other = await store.createUser({ email: 'c@b.c', admin: false });
  const app = await store.createApp({ name: 'gone', ownerId: owner.id });
  await store.addCollaborator(app.id, other.id);
  await store.updateConfig(app.id, { A: '1' }, []);
  await store.createRelease(release(app.id));
  await store.deleteApp(app.id);
  assert.equal(await store.getApp('gone'), undefined);
  assert.deepEqual(await store.getConfig(app.id), {});
  assert.deepEqual(await store.listReleases(app.id, 10), []);
  assert.deepEqual(await store.listApps(other.id), []);
  await store.close();
});

test('after a restart, interrupted releases and builds of every app fail in one go, and leave the traffic table', async () => {
  const store = openSqliteStore({ file: ':memory:' });
  const user = await store.createUser({ email: 'a@b.c', admin: false });
  const one = await store.createApp({ name: 'one', ownerId: user.id });
  const two = await store.createApp({ name: 'two', ownerId: user.id });
  await store.createRelease({ ...release(one.id), status: 'succeeded' });
  await store.createRelease(release(one.id));
  await store.createRelease(release(two.id));
  await store.setTraffic(one.id, [{ version: 1, weight: 100 }, { version: 2, weight: 0 }]);
  await store.setTraffic(two.id, [{ version: 1, weight: 0 }]);
  await store.createBuild({ id: 'b1', appId: one.id, commit: 'c', createdBy: 'a@b.c' });
  await store.updateBuild('b1', { status: 'building' });
  await store.createBuild({ id: 'b2', appId: two.id, commit: 'c', createdBy: 'a@b.c' });
  await store.updateBuild('b2', { status: 'succeeded' });

  assert.deepEqual(await store.settleInterrupted({ release: 'interrupted', build: 'interrupted build' }, new Date(0)), { releases: 2, builds: 1 });
  assert.deepEqual((await store.listReleases(one.id, 10)).map((r) => [r.version, r.status, r.error]), [[2, 'failed', 'interrupted'], [1, 'succeeded', null]]);
  assert.deepEqual(await store.getTraffic(one.id), [{ version: 1, weight: 100 }]);
  assert.deepEqual(await store.getTraffic(two.id), []);
  assert.equal((await store.getBuild(one.id, 'b1'))?.error, 'interrupted build');
  assert.equal((await store.getBuild(two.id, 'b2'))?.status, 'succeeded');
  await store.close();
});
