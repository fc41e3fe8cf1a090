import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canExec, shellCommand } from '../shell-command.js';
import { createRequest, fromListing, makeContainerOptions, mapState, readContainer, type InspectedContainer } from './container-spec.js';
import { containerName, labelFilters, parseInstanceIndex, parseReleaseLabel } from './names.js';

const spec = { app: 'shop', release: 7, process: 'web', image: 'registry.local/shop:v7', command: 'node server.js', env: { MSG: 'hi', PORT: '1' } };

test('an instance container runs on the host network with init, restarts, and carries its labels', () => {
  const options = makeContainerOptions({ spec, kind: 'instance', name: 'n', instance: 'web.2', port: 20123, restart: 't1', healthcheck: '/up', extraLabels: { 'paas.dev/test': 'x' } });
  assert.equal(options.HostConfig?.NetworkMode, 'host');
  assert.equal(options.HostConfig?.Init, true);
  assert.deepEqual(options.HostConfig?.RestartPolicy, { Name: 'unless-stopped' });
  assert.deepEqual(options.Cmd, ['/bin/sh', '-c', 'exec node server.js']);
  assert.deepEqual(options.Labels, {
    'paas.dev/test': 'x',
    'app.kubernetes.io/managed-by': 'paas',
    'paas.dev/kind': 'instance',
    'paas.dev/app': 'shop',
    'paas.dev/release': 'v7',
    'paas.dev/process': 'web',
    'paas.dev/instance': 'web.2',
    'paas.dev/port': '20123',
    'paas.dev/restart': 't1',
    'paas.dev/healthcheck': '/up',
  });
  // The platform's PORT wins over a config var of the same name.
  assert.deepEqual(options.Env, ['MSG=hi', 'PORT=20123', 'PAAS_APP=shop', 'PAAS_RELEASE=v7', 'PAAS_PROCESS=web', 'PAAS_INSTANCE=web.2']);
});

test('a one-off container is not restarted and has no port; no command means the image CMD', () => {
  const options = makeContainerOptions({ spec: { ...spec, command: undefined }, kind: 'one-off', name: 'n' });
  assert.deepEqual(options.HostConfig?.RestartPolicy, { Name: 'no' });
  assert.equal(options.Cmd, undefined);
  assert.equal(options.Labels?.['paas.dev/port'], undefined);
  assert.equal(options.Labels?.['paas.dev/kind'], 'one-off');
});

test('exec is added only where the shell would otherwise stand between docker-init and the app', () => {
  for (const command of ['node server.js', 'npm start', 'bin/web --port $PORT', '  ./run.sh  ', 'node x.js > /tmp/log', `node -e "a(); b() | c && d"`, "node -e 'x(1);y`z`'"]) assert.ok(canExec(command), command);
  for (const command of ['npm run migrate && node server.js', 'a; b', 'a | b', 'FOO=1 node x', 'echo hi', 'cd app', 'if true; then x; fi', '(node x)', 'node $(cat f)', 'a\nb', '', "'echo' hi", 'node "unclosed', 'node "a" ; b']) {
    assert.ok(!canExec(command), command);
  }
  assert.deepEqual(shellCommand('echo $PORT'), ['/bin/sh', '-c', 'echo $PORT']);
});

function inspected(status: string, labels: Record<string, string>, extra: Partial<InspectedContainer['State']> = {}): InspectedContainer {
  return { Id: 'abc', RestartCount: 3, Config: { Labels: labels }, State: { Status: status, ExitCode: 1, StartedAt: '2024-05-01T10:00:00.5Z', ...extra } };
}

const labels = makeContainerOptions({ spec, kind: 'instance', name: 'n', instance: 'web.1', port: 20001, restart: 'r2', healthcheck: null }).Labels!;

test('readContainer reads everything back from labels and state', () => {
  assert.deepEqual(readContainer(inspected('running', labels), '127.0.0.1'), {
    id: 'abc', name: 'web.1', index: 1, app: 'shop', release: 7, process: 'web', state: 'running', restartCount: 3, token: 'r2', healthcheck: null,
    endpoint: { host: '127.0.0.1', port: 20001 }, startedAt: new Date('2024-05-01T10:00:00.5Z'),
  });
  assert.equal(readContainer(inspected('running', { ...labels, 'paas.dev/healthcheck': '/health' }), 'h')?.healthcheck, '/health');
  const crashed = readContainer(inspected('restarting', labels), '127.0.0.1');
  assert.equal(crashed?.state, 'restarting');
  assert.equal(crashed?.exitCode, 1);
  const worker = readContainer(inspected('created', { ...labels, 'paas.dev/process': 'worker', 'paas.dev/instance': 'worker.1' }, { StartedAt: '0001-01-01T00:00:00Z' }), 'h');
  assert.equal(worker?.endpoint, undefined, 'workers get a PORT but no endpoint');
  assert.equal(worker?.startedAt, undefined);
  assert.equal(worker?.state, 'starting');
});

test('readContainer ignores containers paas does not run as instances', () => {
  assert.equal(readContainer(inspected('running', {}), 'h'), undefined);
  assert.equal(readContainer(inspected('running', { ...labels, 'paas.dev/kind': 'one-off' }), 'h'), undefined);
  assert.equal(readContainer(inspected('running', { ...labels, 'paas.dev/release': '7' }), 'h'), undefined);
  assert.equal(mapState('paused'), 'stopped');
  assert.equal(mapState('weird'), 'unknown');
});

test('names: container names are docker-safe and unique per start; labels round-trip', () => {
  const name = containerName({ app: 'shop', release: 7, process: 'web:x', index: 1 }, () => 'abc123');
  assert.equal(name, 'paas-shop-v7-web-x-1-abc123');
  assert.notEqual(containerName({ app: 'a', release: 1, process: 'web', index: 1 }), containerName({ app: 'a', release: 1, process: 'web', index: 1 }));
  assert.equal(parseReleaseLabel('v12'), 12);
  assert.equal(parseReleaseLabel('12'), undefined);
  assert.equal(parseInstanceIndex('web.3', 'web'), 3);
  assert.equal(parseInstanceIndex('web.0', 'web'), undefined);
  assert.deepEqual(labelFilters({ app: 'shop', release: 2 }, 'instance'), [
    'app.kubernetes.io/managed-by=paas', 'paas.dev/kind=instance', 'paas.dev/app=shop', 'paas.dev/release=v2',
  ]);
});

test('config vars travel in the create request body, never in its URI (engine and proxy logs keep URIs)', async () => {
  const { default: Dockerode } = await import('dockerode');
  const http = await import('node:http');
  const seen: { url: string; body: string }[] = [];
  const engine = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', body });
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end('{"Id":"abc","Warnings":[]}');
    });
  });
  await new Promise<void>((ok) => engine.listen(0, '127.0.0.1', ok));
  try {
    const docker = new Dockerode({ host: '127.0.0.1', port: (engine.address() as { port: number }).port, protocol: 'http' });
    const secret = { ...spec, env: { DATABASE_URL: 'postgres://user:s3cret-pa55@db/app' } };
    await docker.createContainer(createRequest('paas-shop-v7-web-1-abc123', makeContainerOptions({ spec: secret, kind: 'instance', name: 'n', instance: 'web.1', port: 20001 })));
    assert.equal(seen.length, 1);
    assert.match(seen[0]!.url, /^\/containers\/create\?name=paas-shop-v7-web-1-abc123$/);
    assert.doesNotMatch(seen[0]!.url, /s3cret/);
    assert.match(seen[0]!.body, /DATABASE_URL=postgres:\/\/user:s3cret-pa55@db\/app/);
  } finally {
    await new Promise((ok) => engine.close(ok));
  }
});

test('a listed container is adopted from the listing alone: labels and state, its exit code read from the status text', () => {
  const running = readContainer(fromListing({ Id: 'abc', Labels: labels, State: 'running', Status: 'Up 5 minutes' }), 'h');
  assert.deepEqual([running?.name, running?.state, running?.endpoint?.port, running?.startedAt], ['web.1', 'running', 20001, undefined]);
  const exited = readContainer(fromListing({ Id: 'abc', Labels: labels, State: 'exited', Status: 'Exited (137) 2 seconds ago' }), 'h');
  assert.deepEqual([exited?.state, exited?.exitCode], ['exited', 137]);
});
