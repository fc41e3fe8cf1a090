/**
 * `git push paas main` end to end: the real paas-server on 127.0.0.1, the
 * real git binary, real Docker builds on the offline stack image, and a real
 * registry (Debian's docker-registry). Asserts what the pusher sees (remote:
 * lines, exit code, rejection reasons) and what the platform kept (images,
 * digests, build records, refs).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { api, createUser } from './support/api.js';
import { commitChange, fixtureRepo, type FixtureRepo } from './support/app-fixtures.js';
import { docker, requireStackImage } from './support/builder-kit.js';
import { runInImage } from './support/docker-run.js';
import { git, gitOk } from './support/git-fixtures.js';
import { createApp, getThroughRouter, pushApp } from './support/platform.js';
import { registryManifestDigest, startTestRegistry, type TestRegistry } from './support/registry.js';
import { startServer, type ServerProcess } from './support/server-process.js';

const extraCa = process.env['NODE_EXTRA_CA_CERTS'];

describe('git push builds the pushed code', () => {
  let registry: TestRegistry;
  let server: ServerProcess;
  const repos: FixtureRepo[] = [];
  const fixture = async (name: string, extra = {}) => {
    const repo = await fixtureRepo(name, extra);
    repos.push(repo);
    return repo;
  };

  before(async () => {
    await requireStackImage();
    registry = await startTestRegistry();
    server = await startServer({
      args: ['--registry', registry.host, '--drain-seconds', '0', '--ready-timeout-seconds', '15', ...(extraCa ? ['--build-ca-file', extraCa] : [])],
    });
  });
  after(async () => {
    await server?.stop();
    await registry?.stop();
    await Promise.all(repos.map((r) => r.remove()));
  });

  test('a Node app is built, pushed to the registry with its digest recorded, and released', async () => {
    await createApp(server, server.adminToken, 'push-node');
    const repo = await fixture('node-app');
    await api(server.url, 'PATCH', '/v1/apps/push-node/config', { token: server.adminToken, body: { SECRET_TOKEN: 'hunter2-do-not-print' } });

    const push = await pushApp(server, 'push-node', repo.work, { token: server.adminToken });
    assert.equal(push.code, 0, push.stderr);
    const text = push.remote.join('\n');
    for (const phase of ['Received', 'Building push-node', 'Node.js app detected', 'Publishing v1', 'Releasing v1']) assert.match(text, new RegExp(phase), `missing phase "${phase}":\n${text}`);
    assert.match(text, /Released v1 ▸ http:\/\/push-node\.localhost:\d+/);
    assert.doesNotMatch(push.stderr, /hunter2/, 'config values must never reach the push output');

    const [build] = (await api(server.url, 'GET', '/v1/apps/push-node/builds', { token: server.adminToken })).body;
    assert.equal(build.status, 'succeeded');
    assert.equal(build.commit, repo.commit);
    assert.equal(build.image, `${registry.host}/push-node:v1`);
    assert.match(build.digest, /^sha256:[0-9a-f]{64}$/);
    assert.equal(await registryManifestDigest(registry, 'push-node', 'v1'), build.digest, 'the recorded digest is the registry manifest digest');
    await docker.getImage(`${registry.host}/push-node:v1`).inspect();

    const info = (await api(server.url, 'GET', `/v1/apps/push-node/builds/${build.id}`, { token: server.adminToken })).body;
    assert.ok(info.log.some((line: string) => line.includes('Step')), 'the build log is kept');
    assert.ok(!info.log.join('\n').includes('hunter2'));

    // main moved on the server only after success.
    const remote = await gitOk(['ls-remote', `http://git:${server.adminToken}@${server.url.slice('http://'.length)}/push-node.git`, 'refs/heads/main']);
    assert.match(remote, new RegExp(`^${repo.commit}`));
  });

  test('a second push that changes only app code reuses the cached dependency layer', async () => {
    const repo = await fixture('node-lockfile-app');
    await createApp(server, server.adminToken, 'push-cache');
    const first = await pushApp(server, 'push-cache', repo.work, { token: server.adminToken });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.remote.join('\n'), /npm ci/, 'a lockfile installs with npm ci');

    await commitChange(repo, { 'server.js': `${'// app code only\n'}${await readServer(repo)}` }, 'app code only');
    const second = await pushApp(server, 'push-cache', repo.work, { token: server.adminToken });
    assert.equal(second.code, 0, second.stderr);
    const lines = second.remote;
    const install = lines.findIndex((l) => /RUN .*npm ci/.test(l));
    assert.ok(install >= 0, lines.join('\n'));
    assert.match(lines[install + 1] ?? '', /Using cache/, `the dependency install should come from the cache:\n${lines.slice(install, install + 3).join('\n')}`);
    const res = await getThroughRouter(server.routerUrl, 'push-cache');
    assert.equal(res.status, 200);
    assert.equal(res.release, 'v2');
  });

  test('a failing build rejects the push with the reason and the log tail, and changes nothing', async () => {
    await createApp(server, server.adminToken, 'push-fail');
    const repo = await fixture('failing-app');
    const push = await pushApp(server, 'push-fail', repo.work, { token: server.adminToken });
    assert.notEqual(push.code, 0);
    assert.match(push.stderr, /! \[remote rejected\] HEAD -> main \(.*(failed|exit code 3).*\)/);
    assert.ok(push.remote.some((l) => l.includes('about to fail')), 'the last build lines are shown');
    assert.equal(await remoteMain(server, 'push-fail'), '', 'main did not move');
    const builds = (await api(server.url, 'GET', '/v1/apps/push-fail/builds', { token: server.adminToken })).body;
    assert.deepEqual(builds.map((b: { status: string }) => b.status), ['failed']);
    assert.deepEqual((await api(server.url, 'GET', '/v1/apps/push-fail/releases', { token: server.adminToken })).body, []);
  });

  test('an undetectable repository is refused with what paas looks for', async () => {
    await createApp(server, server.adminToken, 'push-unknown');
    const repo = await fixture('undetectable');
    const push = await pushApp(server, 'push-unknown', repo.work, { token: server.adminToken });
    assert.notEqual(push.code, 0);
    assert.match(push.stderr, /Dockerfile/);
    assert.match(push.stderr, /package\.json/);
    assert.equal(await remoteMain(server, 'push-unknown'), '');
  });

  test('a symlink pointing outside the tree does not put host files into the image', async () => {
    await createApp(server, server.adminToken, 'push-symlink');
    const repo = await fixture('symlink-escape', {
      symlinks: { 'passwd-link': '/etc/passwd', 'up-link': '../../../../etc' },
      files: { Procfile: `web: node -e "require('http').createServer((q, s) => s.end('ok')).listen(process.env.PORT)"\n` },
    });
    const push = await pushApp(server, 'push-symlink', repo.work, { token: server.adminToken });
    assert.equal(push.code, 0, push.stderr);
    // In the image the links are still links (their targets resolve inside the container), never copies of host files.
    const inside = await runInImage(docker, `${registry.host}/push-symlink:v1`, ['sh', '-c', 'test -L /app/passwd-link && readlink /app/passwd-link && readlink /app/up-link']);
    assert.equal(inside.exitCode, 0, inside.output);
    assert.deepEqual(inside.output.trim().split('\n'), ['/etc/passwd', '../../../../etc']);
  });

  test('tags and other branches are refused, saying which ref deploys', async () => {
    await createApp(server, server.adminToken, 'push-refs');
    const repo = await fixture('node-app');
    const branch = await pushApp(server, 'push-refs', repo.work, { token: server.adminToken, ref: 'refs/heads/feature' });
    assert.notEqual(branch.code, 0);
    assert.match(branch.stderr, /only main deploys/);
    const tag = await pushApp(server, 'push-refs', repo.work, { token: server.adminToken, ref: 'refs/tags/v1.0' });
    assert.notEqual(tag.code, 0);
    assert.match(tag.stderr, /tags are not deployed/);
    assert.deepEqual((await api(server.url, 'GET', '/v1/apps/push-refs/builds', { token: server.adminToken })).body, []);
  });

  test('a wrong token gets an authentication failure; another user\'s app is forbidden before any pack is read', async () => {
    await createApp(server, server.adminToken, 'push-auth');
    const outsider = await createUser(server.url, server.adminToken, `outsider-${randomBytes(3).toString('hex')}@example.com`);
    const repo = await fixture('node-app');
    const wrong = await pushApp(server, 'push-auth', repo.work, { token: 'paas_0000000000000000_wrongwrongwrongwrongwrongwrongwrongwrongwro' });
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /Authentication failed|Invalid or expired token/);
    const other = await pushApp(server, 'push-auth', repo.work, { token: outsider });
    assert.notEqual(other.code, 0);
    assert.match(other.stderr, /Couldn't find that app|not allowed|403/);
    assert.deepEqual((await api(server.url, 'GET', '/v1/apps/push-auth/builds', { token: server.adminToken })).body, []);
  });

  test('two concurrent pushes: one deploys, the other is told another deploy is in progress', async () => {
    await createApp(server, server.adminToken, 'push-race');
    const a = await fixture('node-app');
    const b = await fixture('static-site');
    const [first, second] = await Promise.all([
      pushApp(server, 'push-race', a.work, { token: server.adminToken }),
      new Promise((r) => setTimeout(r, 150)).then(() => pushApp(server, 'push-race', b.work, { token: server.adminToken, force: true })),
    ]);
    const outcomes = [first, second].map((p) => p.code === 0);
    assert.deepEqual(outcomes.filter(Boolean).length, 1, `${first.stderr}\n----\n${second.stderr}`);
    const loser = first.code === 0 ? second : first;
    assert.match(loser.stderr, /another deploy of push-race is in progress/);
  });
});

describe('push limits', () => {
  let server: ServerProcess;
  const repos: FixtureRepo[] = [];
  before(async () => {
    await requireStackImage();
    server = await startServer({ args: ['--build-timeout-seconds', '4', '--max-push-megabytes', '1'] });
  });
  after(async () => {
    await server?.stop();
    await Promise.all(repos.map((r) => r.remove()));
  });

  test('a build that hangs is stopped at the timeout, the client is told, and the lock is freed', async () => {
    await createApp(server, server.adminToken, 'push-slow');
    const repo = await fixtureRepo('slow-build');
    repos.push(repo);
    const started = Date.now();
    const push = await pushApp(server, 'push-slow', repo.work, { token: server.adminToken });
    assert.notEqual(push.code, 0);
    assert.match(push.stderr, /timed out after 4/);
    assert.ok(Date.now() - started < 30_000, 'the push ended soon after the timeout');
    // The lock is free: the next push is built (and fails on its own merits, not "in progress").
    const again = await pushApp(server, 'push-slow', repo.work, { token: server.adminToken });
    assert.doesNotMatch(again.stderr, /in progress/);
  });

  test('a push over the size limit is refused with the limit, and leaves no ref', async () => {
    await createApp(server, server.adminToken, 'push-big');
    const repo = await fixtureRepo('node-app', { files: { 'big.bin': randomBytes(2 * 1024 * 1024).toString('base64') } });
    repos.push(repo);
    const push = await pushApp(server, 'push-big', repo.work, { token: server.adminToken });
    assert.notEqual(push.code, 0);
    assert.match(push.stderr, /1 ?MB|limit/i);
    assert.equal(await remoteMain(server, 'push-big'), '');
  });
});

async function readServer(repo: FixtureRepo): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  return readFile(`${repo.work}/server.js`, 'utf8');
}

async function remoteMain(server: ServerProcess, app: string): Promise<string> {
  const url = new URL(`${server.url}/${app}.git`);
  url.username = 'git';
  url.password = server.adminToken;
  const result = await git(['ls-remote', url.toString(), 'refs/heads/main']);
  assert.equal(result.code, 0, result.stderr);
  return result.stdout.trim();
}
