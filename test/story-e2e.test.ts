/**
 * Issue 4 as a story: an app goes live behind the router, gets a v2, is
 * rolled back instantly, changes config, scales, and survives a crash of the
 * control plane. Real git, real Docker, the real server and a standalone
 * paas-router on 127.0.0.1; a bounded request loop runs through every
 * change and must see zero failed requests.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { api } from './support/api.js';
import { commitChange, fixtureRepo, type FixtureRepo } from './support/app-fixtures.js';
import { requireStackImage } from './support/builder-kit.js';
import { freePort } from './support/docker-run.js';
import { tempDir } from './support/git-fixtures.js';
import { createApp, eventually, getThroughRouter, paas, pushApp, startLoad } from './support/platform.js';
import { REPO_ROOT, startServer, stopChild, type ServerProcess } from './support/server-process.js';

/** The app under test: says which code, config and instance answered. */
function storyServer(code: string): string {
  return `const http = require('node:http');
http.createServer((req, res) => {
  if (req.url.startsWith('/say/')) console.log('app says ' + req.url.slice(5));
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ code: ${JSON.stringify(code)}, greeting: process.env.GREETING || 'hello', instance: process.env.PAAS_INSTANCE, release: process.env.PAAS_RELEASE }));
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('${code} listening on ' + process.env.PORT));
`;
}

async function startRouter(serverUrl: string, token: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'paas-router.js')], {
    env: { PATH: process.env['PATH'] ?? '', PAAS_SERVER_URL: serverUrl, PAAS_ROUTER_TOKEN: token, PAAS_ROUTER_PORT: '0', PAAS_ROUTER_DRAIN_SECONDS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`paas-router did not start:\n${output}`)), 10_000);
    child.stdout!.on('data', (c: Buffer) => {
      output += c.toString();
      const match = /listening on (http:\/\/[^\s;]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  return { url, child };
}

function body(res: { body: string }): { code: string; greeting: string; instance: string; release: string } {
  return JSON.parse(res.body);
}

describe('a release story on Docker behind the router', () => {
  let dataDir: string;
  let port: number;
  let server: ServerProcess;
  let router: { url: string; child: ChildProcess };
  let repo: FixtureRepo;
  let token: string;
  const app = 'story';

  before(async () => {
    await requireStackImage();
    dataDir = await tempDir('story-data');
    port = await freePort();
    server = await startServer({ dataDir, args: ['--port', String(port), '--drain-seconds', '1', '--ready-timeout-seconds', '20'] });
    token = server.adminToken;
    router = await startRouter(server.url, token);
    repo = await fixtureRepo('node-app', { files: { 'server.js': storyServer('one') } });
  });
  after(async () => {
    if (router) await stopChild(router.child);
    await server?.stop();
    await repo?.remove();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test('push v1: the router answers with it', async () => {
    await createApp(server, token, app);
    const push = await pushApp(server, app, repo.work, { token });
    assert.equal(push.code, 0, push.stderr);
    assert.ok(push.remote.some((l) => /^Released v1 ▸ http:\/\/story\.localhost:\d+$/.test(l)), push.remote.join('\n'));
    const res = await eventually(() => getThroughRouter(router.url, app), (r) => r.status === 200, { what: 'v1 through the standalone router' });
    assert.equal(res.release, 'v1');
    assert.equal(body(res).code, 'one');
    const embedded = await getThroughRouter(server.routerUrl, app);
    assert.equal(embedded.release, 'v1', 'the embedded router serves it too');
  });

  test('push v2 and roll back under load: v1 again within a second, zero failed requests', async () => {
    const load = startLoad(router.url, app, { workers: 4, maxMs: 60_000 });
    await commitChange(repo, { 'server.js': storyServer('two') }, 'v2');
    const push = await pushApp(server, app, repo.work, { token });
    assert.equal(push.code, 0, push.stderr);
    const v2 = await eventually(() => getThroughRouter(router.url, app), (r) => r.release === 'v2', { what: 'v2 live' });
    assert.equal(body(v2).code, 'two');

    // The server's own account of the rollback (the CLI's process start is not part of it; bench/ times the rest).
    const rollback = await paas(server, token, ['releases:rollback', '-a', app]);
    assert.equal(rollback.code, 0, rollback.stderr);
    const took = /Rolled back story to v1 as v3 \(traffic moved to warm instances in ([\d.]+) (ms|s)\)/.exec(rollback.stdout);
    assert.ok(took, rollback.stdout);
    assert.ok(took[2] === 'ms' && Number(took[1]) < 1000, `rollback took ${took[1]} ${took[2]}`);
    assert.match(rollback.stdout, /To undo: paas releases:rollback v2/);
    const back = await eventually(() => getThroughRouter(router.url, app), (r) => r.release === 'v3', { timeoutMs: 1000, intervalMs: 5, what: 'rollback live at the standalone router within a second' });
    assert.equal(body(back).code, 'one', 'v3 runs v1\'s code');

    await new Promise((r) => setTimeout(r, 300));
    const results = await load.stop();
    const failed = results.filter((r) => r.status !== 200);
    assert.ok(results.length > 50, `the load loop ran (${results.length} requests)`);
    assert.deepEqual(failed, [], `${failed.length} of ${results.length} requests failed`);
    const releases = (await api(server.url, 'GET', `/v1/apps/${app}/releases`, { token })).body;
    assert.deepEqual(releases.map((r: { version: number; description: string; traffic: number; warm: boolean }) => [r.version, r.description.replace(/[0-9a-f]{7}$/, 'SHA'), r.traffic, r.warm]), [
      [3, 'Rollback to v1', 100, false],
      [2, 'Deploy SHA', 0, true],
      [1, 'Deploy SHA', 0, false],
    ], 'v3 runs on v1\'s instances; v2 stays warm for a roll forward');
  });

  test('config:set makes a release whose env the app sees', async () => {
    const load = startLoad(router.url, app, { workers: 2, maxMs: 60_000 });
    const set = await paas(server, token, ['config:set', 'GREETING=bonjour', '-a', app]);
    assert.equal(set.code, 0, set.stderr);
    const res = await eventually(() => getThroughRouter(router.url, app), (r) => r.release === 'v4', { what: 'config release live' });
    assert.equal(body(res).greeting, 'bonjour');
    assert.equal(body(res).code, 'one', 'same image as the serving release');
    const failed = (await load.stop()).filter((r) => r.status !== 200);
    assert.deepEqual(failed, []);
  });

  test('paas logs shows the app\'s output, and --tail streams it as it happens', async () => {
    const recent = await paas(server, token, ['logs', '-n', '20', '-a', app]);
    assert.equal(recent.code, 0, recent.stderr);
    assert.match(recent.stdout, /web\.1.*one listening on \d+/);
    const tail = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'paas.js'), 'logs', '--tail', '-a', app], {
      env: { PATH: process.env['PATH'] ?? '', HOME: tmpdir(), PAAS_API_URL: server.url, PAAS_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let streamed = '';
    tail.stdout!.on('data', (c: Buffer) => (streamed += c.toString()));
    try {
      await eventually(async () => {
        await getThroughRouter(router.url, app, '/say/tail-check');
        return streamed;
      }, (text) => text.includes('app says tail-check'), { timeoutMs: 10_000, intervalMs: 500, what: 'a new log line streamed by paas logs --tail' });
    } finally {
      await stopChild(tail);
    }
  });

  test('scale to 3 and back without dropping a request: requests spread across the instances', async () => {
    const load = startLoad(router.url, app, { workers: 4, maxMs: 60_000 });
    for (const formation of ['web=2', 'web=1', 'web=3']) {
      const scale = await paas(server, token, ['ps:scale', formation, '-a', app]);
      assert.equal(scale.code, 0, scale.stderr);
    }
    await new Promise((r) => setTimeout(r, 1500)); // past the drain of the instances scaled away
    const results = await load.stop();
    assert.deepEqual(results.filter((r) => r.status !== 200), [], 'no request failed while scaling');
    const seen = new Set<string>();
    await eventually(async () => {
      for (let i = 0; i < 12; i++) seen.add(body(await getThroughRouter(router.url, app)).instance);
      return seen.size;
    }, (n) => n === 3, { what: 'three instances answering' });
    const ps = (await api(server.url, 'GET', `/v1/apps/${app}/ps`, { token })).body;
    assert.equal(ps.filter((i: { process: string; release: string | number }) => i.process === 'web' && String(i.release).replace('v', '') === '4').length, 3, JSON.stringify(ps));
  });

  test('kill paas-server and start it again: the app keeps answering and routes come back', async () => {
    const before = (await api(server.url, 'GET', `/v1/apps/${app}/ps`, { token })).body;
    const load = startLoad(router.url, app, { workers: 2, maxMs: 60_000 });
    await server.kill();
    await new Promise((r) => setTimeout(r, 500));
    server = await startServer({ dataDir, args: ['--port', String(port), '--drain-seconds', '1', '--ready-timeout-seconds', '20'] });
    const embedded = await eventually(() => getThroughRouter(server.routerUrl, app), (r) => r.status === 200, { what: 'routes adopted by the restarted server' });
    assert.equal(embedded.release, 'v4');
    await new Promise((r) => setTimeout(r, 500));
    const results = await load.stop();
    assert.deepEqual(results.filter((r) => r.status !== 200), [], 'the standalone router kept answering');
    const after = (await api(server.url, 'GET', `/v1/apps/${app}/ps`, { token })).body;
    const ids = (list: { name: string; startedAt: string }[]) => list.map((i) => `${i.name}@${i.startedAt}`).sort();
    assert.deepEqual(ids(after), ids(before), 'no instance was restarted');
  });

  test('a warm rollback takes the current formation along, and rolling back to what is live is refused', async () => {
    const rollback = await paas(server, token, ['releases:rollback', 'v3', '-a', app]);
    assert.equal(rollback.code, 0, rollback.stderr);
    assert.match(rollback.stdout, /warm/, 'v1\'s instances stayed warm across the server restart');
    const seen = new Set<string>();
    await eventually(async () => {
      const routed = await getThroughRouter(server.routerUrl, app);
      const res = body(routed);
      if (routed.release === 'v5' && res.code === 'one' && res.greeting === 'hello') seen.add(res.instance);
      return seen.size;
    }, (n) => n === 3, { what: 'web=3 on the rolled-back release' });
    const again = await paas(server, token, ['releases:rollback', 'v1', '-a', app]);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /v1 is already live \(as v5\)/);
  });
});
