/**
 * A deploy that cannot go live must leave the previous release serving 100%
 * and tell the pusher why: an app that never listens, one that crashes at
 * start, one whose `release` phase fails.
 */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { api } from './support/api.js';
import { commitChange, fixtureRepo, type FixtureRepo } from './support/app-fixtures.js';
import { requireStackImage } from './support/builder-kit.js';
import { createApp, getThroughRouter, pushApp } from './support/platform.js';
import { startServer, type ServerProcess } from './support/server-process.js';

const GOOD = `if (process.env.CRASH_ON_START) { console.error('refusing to start: CRASH_ON_START'); process.exit(1); }
require('node:http').createServer((q, s) => s.end('good')).listen(Number(process.env.PORT), '127.0.0.1');\n`;

describe('failed deploys leave the last good release serving', () => {
  let server: ServerProcess;
  let repo: FixtureRepo;
  const app = 'fails';

  before(async () => {
    await requireStackImage();
    server = await startServer({ args: ['--ready-timeout-seconds', '3', '--drain-seconds', '0'] });
    await createApp(server, server.adminToken, app);
    repo = await fixtureRepo('node-app', { files: { 'server.js': GOOD } });
    const push = await pushApp(server, app, repo.work, { token: server.adminToken });
    assert.equal(push.code, 0, push.stderr);
  });
  after(async () => {
    await server?.stop();
    await repo?.remove();
  });

  async function assertStillServingV1(): Promise<void> {
    const res = await getThroughRouter(server.routerUrl, app);
    assert.equal(res.status, 200);
    assert.equal(res.release, 'v1');
    assert.equal(res.body, 'good');
    const releases = (await api(server.url, 'GET', `/v1/apps/${app}/releases`, { token: server.adminToken })).body;
    assert.equal(releases.find((r: { version: number }) => r.version === 1).traffic, 100);
  }

  async function pushBroken(files: Record<string, string>, message: string) {
    await commitChange(repo, files, message);
    const push = await pushApp(server, app, repo.work, { token: server.adminToken, force: true });
    assert.notEqual(push.code, 0, 'the push fails');
    await rm(join(repo.work, 'Procfile'), { force: true });
    await commitChange(repo, { 'server.js': GOOD }, 'restore');
    return push;
  }

  test('an app that never listens fails its readiness deadline', async () => {
    const push = await pushBroken({ 'server.js': 'setInterval(() => {}, 1000);\n' }, 'never listens');
    assert.match(push.stderr, /\[remote rejected\].*\(v2 failed: .*(ready|readiness).*\)/);
    await assertStillServingV1();
    const v2 = (await api(server.url, 'GET', `/v1/apps/${app}/releases/2`, { token: server.adminToken })).body;
    assert.equal(v2.status, 'failed');
    const ps = (await api(server.url, 'GET', `/v1/apps/${app}/ps`, { token: server.adminToken })).body;
    assert.deepEqual(ps.filter((i: { release: number }) => i.release === 2), [], 'the failed release\'s containers are removed');
  });

  test('an app that crashes at start fails with its last log lines', async () => {
    const push = await pushBroken({ 'server.js': 'console.error("boom: missing DATABASE_URL"); process.exit(1);\n' }, 'crashes');
    assert.match(push.stderr, /\[remote rejected\].*\(v3 failed: /);
    assert.match(push.stderr, /boom: missing DATABASE_URL/, 'the crash output reaches the pusher');
    await assertStillServingV1();
  });

  test('a failing release phase stops the release before it goes live', async () => {
    const push = await pushBroken({ Procfile: 'web: npm start\nrelease: node -e "console.log(\'migrating\'); process.exit(4)"\n' }, 'bad migration');
    assert.match(push.stderr, /\[remote rejected\].*\(v4 failed: release phase failed with exit code 4\)/);
    assert.match(push.stderr, /migrating/);
    await assertStillServingV1();
    const releases = (await api(server.url, 'GET', `/v1/apps/${app}/releases`, { token: server.adminToken })).body;
    assert.deepEqual(releases.map((r: { version: number; status: string }) => [r.version, r.status]), [[4, 'failed'], [3, 'failed'], [2, 'failed'], [1, 'succeeded']]);
  });

  test('a config change whose release never gets ready fails, and the config stays what runs', async () => {
    const res = await api(server.url, 'PATCH', `/v1/apps/${app}/config`, { token: server.adminToken, body: { CRASH_ON_START: '1', KEEP: 'x' } });
    assert.equal(res.status, 422);
    assert.match(res.body.message, /v5 failed: /);
    assert.match(res.body.hint, /config is unchanged.*refusing to start: CRASH_ON_START/s);
    assert.deepEqual((await api(server.url, 'GET', `/v1/apps/${app}/config`, { token: server.adminToken })).body, {});
    await assertStillServingV1();
  });
});
