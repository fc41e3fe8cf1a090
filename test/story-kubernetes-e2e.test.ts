/**
 * The release story on Kubernetes: the real paas-server with
 * PAAS_RUNTIME=kubernetes, a kubeconfig pointing at the API double, builds on
 * the real Docker engine pushed to a real registry, and pods that run the
 * pushed image as real containers (the double's kubelet uses Docker) on pod
 * IPs the embedded router reaches. A user with no cluster access pushes,
 * rolls back, changes config, scales, reads logs, survives a server restart
 * and destroys the app; a bounded request loop sees zero failed requests
 * through deploy and rollback.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Docker from 'dockerode';
import { api } from './support/api.js';
import { commitChange, fixtureRepo, type FixtureRepo } from './support/app-fixtures.js';
import { requireStackImage } from './support/builder-kit.js';
import { freePort } from './support/docker-run.js';
import { startKubeDouble, type KubeDouble } from './support/kube/double.js';
import { createApp, eventually, getThroughRouter, paas, pushApp, startLoad } from './support/platform.js';
import { startTestRegistry, type TestRegistry } from './support/registry.js';
import { startServer, type ServerProcess } from './support/server-process.js';

/** Listens on all interfaces: a pod's address is not the loopback. */
function storyServer(code: string): string {
  return `const http = require('node:http');
http.createServer((req, res) => {
  if (req.url.startsWith('/say/')) console.log('app says ' + req.url.slice(5));
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ code: ${JSON.stringify(code)}, greeting: process.env.GREETING || 'hello', release: process.env.PAAS_RELEASE, pod: process.env.PAAS_INSTANCE }));
}).listen(Number(process.env.PORT), () => console.log('${code} listening on ' + process.env.PORT));
`;
}

const body = (res: { body: string }) => JSON.parse(res.body) as { code: string; greeting: string; release: string; pod: string };

describe('a release story on Kubernetes (API double, real builds, real registry)', () => {
  let kube: KubeDouble;
  let registry: TestRegistry;
  let server: ServerProcess;
  let repo: FixtureRepo;
  let dir: string;
  let args: string[];
  let env: Record<string, string>;
  let token: string;
  const app = 'kstory';
  const namespace = `paas-${app}`;

  before(async () => {
    await requireStackImage();
    dir = await mkdtemp(join(tmpdir(), 'paas-kstory-'));
    registry = await startTestRegistry();
    kube = await startKubeDouble({ docker: new Docker(), probePeriodMs: 200 });
    await kube.writeKubeconfig(join(dir, 'kubeconfig'));
    env = { KUBECONFIG: join(dir, 'kubeconfig') };
    args = ['--port', String(await freePort()), '--runtime', 'kubernetes', '--registry', registry.host, '--drain-seconds', '1', '--ready-timeout-seconds', '30'];
    server = await startServer({ dataDir: join(dir, 'data'), env, args });
    token = server.adminToken;
    repo = await fixtureRepo('node-app', { files: { 'server.js': storyServer('one') } });
  });
  after(async () => {
    await server?.stop();
    await kube?.close();
    await registry?.stop();
    await repo?.remove();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('creating an app makes its namespace; when the cluster refuses, no app is left behind', async () => {
    kube.faults.failNext({ verb: 'create', resource: 'namespaces', status: 403, message: 'namespaces is forbidden: quota' });
    const refused = await api(server.url, 'POST', '/v1/apps', { token, body: { name: 'knope' } });
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.match(refused.body.message, /create namespace paas-knope/);
    assert.equal((await api(server.url, 'GET', '/v1/apps/knope', { token })).status, 404, 'the app record went again');
    await createApp(server, token, app);
    assert.equal(kube.get('namespaces', undefined, namespace)?.metadata?.labels?.['paas.dev/app'], app);
  });

  test('push v1: built, pushed, run as a Deployment by digest, served through the router', async () => {
    const push = await pushApp(server, app, repo.work, { token });
    assert.equal(push.code, 0, push.stderr);
    assert.ok(push.remote.some((l) => /^Released v1 ▸ http:\/\/kstory\.localhost:\d+$/.test(l)), push.remote.join('\n'));
    const res = await eventually(() => getThroughRouter(server.routerUrl, app), (r) => r.status === 200, { what: 'v1 through the router' });
    assert.equal(res.release, 'v1');
    assert.equal(body(res).code, 'one');
    const deployment = kube.get('deployments', namespace, `${app}-v1-web`)!;
    const build = (await api(server.url, 'GET', `/v1/apps/${app}/builds`, { token })).body[0];
    assert.equal(deployment.spec.template.spec.containers[0].image, `${registry.host}/${app}@${build.digest}`, 'pods run the pushed image by digest');
    assert.match(body(res).pod, new RegExp(`^${app}-v1-web-`), 'PAAS_INSTANCE is the pod name');
  });

  test('push v2, then roll back under load: the stable Service and the router flip, zero failed requests', async () => {
    const load = startLoad(server.routerUrl, app, { workers: 3, maxMs: 90_000 });
    await commitChange(repo, { 'server.js': storyServer('two') }, 'v2');
    const push = await pushApp(server, app, repo.work, { token });
    assert.equal(push.code, 0, push.stderr);
    await eventually(() => getThroughRouter(server.routerUrl, app), (r) => r.release === 'v2', { what: 'v2 live' });
    assert.equal(kube.get('services', namespace, app)?.spec.selector['paas.dev/release'], 'v2');

    const rollback = await paas(server, token, ['releases:rollback', '-a', app]);
    assert.equal(rollback.code, 0, rollback.stderr);
    assert.match(rollback.stdout, /Rolled back kstory to v1 as v3 \(traffic moved to warm instances in [\d.]+ ms\)/);
    const back = await eventually(() => getThroughRouter(server.routerUrl, app), (r) => r.release === 'v3', { timeoutMs: 2000, intervalMs: 10, what: 'v3 at the router' });
    assert.equal(body(back).code, 'one', 'v3 runs on v1\'s pods');
    assert.equal(kube.get('services', namespace, app)?.spec.selector['paas.dev/release'], 'v1', 'in-cluster clients follow the stable Service');
    await new Promise((r) => setTimeout(r, 500));
    const results = await load.stop();
    assert.ok(results.length > 30, `${results.length} requests`);
    assert.deepEqual(results.filter((r) => r.status !== 200), [], 'no request failed');
  });

  test('config:set makes v4 with a new immutable Secret, and the pods see the value', async () => {
    const set = await paas(server, token, ['config:set', 'GREETING=bonjour', '-a', app]);
    assert.equal(set.code, 0, set.stderr);
    const res = await eventually(() => getThroughRouter(server.routerUrl, app), (r) => r.release === 'v4', { what: 'v4 live' });
    assert.equal(body(res).greeting, 'bonjour');
    const secret = kube.get('secrets', namespace, `${app}-v4-env`)!;
    assert.equal(Buffer.from(secret.data.GREETING, 'base64').toString(), 'bonjour');
    assert.equal(secret.immutable, true);
  });

  test('scale to 2, logs from the pods, then a server restart adopts the pods', async () => {
    const scale = await paas(server, token, ['ps:scale', 'web=2', '-a', app]);
    assert.equal(scale.code, 0, scale.stderr);
    assert.equal(kube.get('deployments', namespace, `${app}-v4-web`)?.spec.replicas, 2);
    const ps = (await api(server.url, 'GET', `/v1/apps/${app}/ps`, { token })).body as { name: string; release: number; state: string }[];
    const web = ps.filter((i) => i.release === 4 && i.state === 'running');
    assert.equal(web.length, 2, JSON.stringify(ps));
    assert.ok(web.every((i) => /^web\.[a-z0-9]{5}$/.test(i.name)));

    await getThroughRouter(server.routerUrl, app, '/say/from-kube');
    const logs = await eventually(() => paas(server, token, ['logs', '-n', '50', '-a', app]), (r) => r.stdout.includes('app says from-kube'), { timeoutMs: 10_000, what: 'the line in paas logs' });
    assert.match(logs.stdout, /app\[web\.[a-z0-9]{5}\]: one listening on 5000/);

    const pods = () => kube.list('pods', namespace).filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name).sort();
    const before = pods();
    await server.kill();
    server = await startServer({ dataDir: server.dataDir, env, args });
    const res = await eventually(() => getThroughRouter(server.routerUrl, app), (r) => r.status === 200, { what: 'routes after the restart' });
    assert.equal(res.release, 'v4');
    assert.deepEqual(pods(), before, 'no pod was replaced');
  });

  test('without a kubeconfig the server says so and does not start', async () => {
    const home = join(dir, 'empty-home');
    await assert.rejects(startServer({ env: { HOME: home }, args: ['--runtime', 'kubernetes', '--registry', registry.host] }), /No kubeconfig for the kubernetes runtime/);
  });

  test('destroying the app deletes its namespace', async () => {
    const destroy = await paas(server, token, ['apps:destroy', '--confirm', app, '-a', app]);
    assert.equal(destroy.code, 0, destroy.stderr);
    await eventually(async () => kube.get('namespaces', undefined, namespace), (ns) => ns === undefined, { timeoutMs: 20_000, what: 'the namespace gone' });
    assert.equal((await getThroughRouter(server.routerUrl, app)).status, 404);
  });
});
