/**
 * The Docker driver against the real engine: containers on the host network
 * serving HTTP on their allocated port, stop/restart behaviour, the release
 * phase, logs, and adoption by a new driver object. Every container carries
 * `paas.dev/test=<run id>` and is removed in `after`.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import Dockerode from 'dockerode';
import { ensureNodeImage } from '../../../test/support/node-image.js';
import { isPaasError } from '../../errors.js';
import type { Instance, InstanceSpec, LogLine } from '../runtime.js';
import { createDockerRuntime } from './docker-runtime.js';

const docker = new Dockerode();
const runId = randomBytes(4).toString('hex');
const testLabels = { 'paas.dev/test': runId };
const runtime = createDockerRuntime({ docker, extraLabels: testLabels, logPollMs: 200 });
let image = '';
let dockerMissing: string | undefined;

const SERVER = `node -e "require('http').createServer((q,s)=>s.end(process.env.MSG)).listen(process.env.PORT,'127.0.0.1')"`;

let appCounter = 0;
/** A fresh app name per test so filters never see another test's containers. */
function appName(): string {
  appCounter++;
  return `t${runId}-${appCounter}`;
}

function spec(app: string, over: Partial<InstanceSpec> = {}): InstanceSpec {
  return { app, release: 1, process: 'web', image, command: SERVER, env: { MSG: `hello from ${app}` }, ...over };
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; attempt < 500; attempt++) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function get(instance: Instance): Promise<string> {
  assert.ok(instance.endpoint, 'a web instance has an endpoint');
  const { host, port } = instance.endpoint;
  return until(`GET ${host}:${port}`, async () => {
    const response = await fetch(`http://${host}:${port}/`, { signal: AbortSignal.timeout(1000) });
    return response.text();
  });
}

before(async () => {
  try {
    await docker.ping();
  } catch {
    dockerMissing = 'no Docker engine reachable';
    return;
  }
  image = await ensureNodeImage(docker);
});

after(async () => {
  if (dockerMissing) return;
  const leftovers = await docker.listContainers({ all: true, filters: { label: [`paas.dev/test=${runId}`] } });
  await Promise.all(leftovers.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
});

describe('docker runtime', { concurrency: false }, () => {
  test('a web instance serves its config on the port the driver chose, with labels', async (t) => {
    if (dockerMissing) return t.skip(dockerMissing);
    const app = appName();
    const instance = await runtime.start(spec(app, { release: 3 }));
    assert.equal(instance.name, 'web.1');
    assert.equal(instance.release, 3);
    assert.equal(instance.state, 'running');
    assert.equal(instance.endpoint?.host, '127.0.0.1');
    assert.ok(instance.endpoint.port >= 20000 && instance.endpoint.port <= 29999);
    assert.equal(await get(instance), `hello from ${app}`);

    const info = await docker.getContainer(instance.id).inspect();
    assert.match(info.Name, new RegExp(`^/paas-${app}-v3-web-1-[0-9a-f]{6}$`));
    const want = {
      'app.kubernetes.io/managed-by': 'paas', 'paas.dev/kind': 'instance', 'paas.dev/app': app, 'paas.dev/release': 'v3',
      'paas.dev/process': 'web', 'paas.dev/instance': 'web.1', 'paas.dev/port': String(instance.endpoint.port),
    };
    // The container also inherits the image's labels; only ours are asserted.
    assert.deepEqual(Object.fromEntries(Object.keys(want).map((k) => [k, info.Config.Labels[k]])), want);
    assert.equal(info.HostConfig.NetworkMode, 'host');
    assert.equal(info.HostConfig.Init, true);
    assert.ok(info.Config.Env.includes(`PORT=${instance.endpoint.port}`));
    assert.ok(info.Config.Env.includes('PAAS_RELEASE=v3'));
  });

  test('concurrent starts get distinct ports and instance numbers, even for the same release', async (t) => {
    if (dockerMissing) return t.skip(dockerMissing);
    const app = appName();
    const started = await Promise.all([1, 2, 3].map(() => runtime.start(spec(app))));
    const ports = new Set(started.map((i) => i.endpoint?.port));
    assert.equal(ports.size, 3);
    assert.deepEqual(started.map((i) => i.name).sort(), ['web.1', 'web.2', 'web.3']);
    for (const instance of started) assert.equal(await get(instance), `hello from ${app}`);
  });

  test('list filters by app, release and process; workers get a PORT but no endpoint', async (t) => {
    if (dockerMissing) return t.skip(dockerMissing);
    const app = appName();
    const other = appName();
    const worker = await runtime.start(spec(app, { process: 'worker', command: 'node -e "setInterval(()=>{},1000)"' }));
    await runtime.start(spec(app, { release: 2 }));
    await runtime.start(spec(other));
    assert.deepEqual((await runtime.list({ app })).map((i) => `${i.process} ${i.release}`), ['web 2', 'worker 1']);
    assert.deepEqual((await runtime.list({ app, release: 2 })).map((i) => i.name), ['web.1']);
    const workers = await runtime.list({ app, process: 'worker' });
    assert.deepEqual(workers.map((i) => i.id), [worker.id]);
    assert.equal(workers[0]!.endpoint, undefined);
    const env = (await docker.getContainer(worker.id).inspect()).Config.Env;
    assert.ok(env.some((e) => /^PORT=\d+$/.test(e)));
    assert.deepEqual((await runtime.list({ app: other })).map((i) => i.app), [other]);
  });

  test('stop ends a handler-less Node app at once and removes it; stopping again is fine', async (t) => {
    if (dockerMissing) return t.skip(dockerMissing);
    const app = appName();
    const instance = await runtime.start(spec(app));
    await get(instance);
    const began = Date.now();
    await runtime.stop(instance.id, 10);
    assert.ok(Date.now() - began < 3000, `stop took ${Date.now() - began} ms`);
    assert.deepEqual(await runtime.list({ app }), []);
    await runtime.stop(instance.id, 10);
  });

  test('stop delivers SIGTERM to the app itself, so it can finish its work', async (t) => {
    if (dockerMissing) return t.skip(dockerMissing);
    const app = appName();
    const graceful = `node -e "process.on('SIGTERM',()=>setTimeout(()=>process.exit(0),1000));setInterval(()=>{},1000);console.log('up')"`;
    const instance = await runtime.start(spec(app, { command: graceful }));
    await until('the app to start', async () => ((await docker.getContainer(instance.id).logs({ stdout: true })).toString().includes('up') ? true : undefined));
    const began = Date.now();
    await runtime.stop(instance.id, 10);
    const took = Date.now() - began;
    assert.ok(took >= 900 && took < 5000, `stop took ${took} ms, want the app's own 1 s shutdown`);
  });

  test('stop refuses containers that paas does not manage', async (t) => {
    if (dockerMissing) return t.skip(dockerMissing);
    const container = await docker.createContainer({ Image: image, Cmd: ['node', '-e', '0'], Labels: testLabels });
    await assert.rejects(runtime.stop(container.id, 1), (err) => isPaasError(err) && err.code === 'NOT_FOUND');
    await container.remove({ force: true });
  });

  test('a crashing instance is restarted by the engine', async (t) => {
    if (dockerMissing) return t.skip(dockerMissing);
    const app = appName();
    await runtime.start(spec(app, { command: `node -e "setTimeout(()=>process.exit(3),200)"` }));
    const crashed = await until('two restarts', async () => {
      const [instance] = await runtime.list({ app });
      return instance && instance.restartCount >= 2 ? instance : undefined;
    });
    assert.equal(crashed.name, 'web.1');
  });

  test('following a crash-looping instance shows the output of each start', async (t) => {
    if (dockerMissing) return t.skip(dockerMissing);
    const app = appName();
    await runtime.start(spec(app, { command: `node -e "console.log('boot');setTimeout(()=>process.exit(1),300)"` }));
    const signal = AbortSignal.timeout(15_000);
    let boots = 0;
    for await (const line of runtime.logs({ app }, { follow: true, tail: 0, signal })) {
      if (line.line === 'boot') boots++;
      if (boots === 2) break;
    }
    assert.equal(boots, 2, 'the followed stream re-attaches after the engine restarts the container');
  });

  test('runOnce reports success, failure and the last 50 output lines, and leaves no container', async (t) => {
    if (dockerMissing) return t.skip(dockerMissing);
    const app = appName();
    const ok = await runtime.runOnce(spec(app, { process: 'release', command: `echo migrated; echo careful >&2` }), 10_000);
    assert.equal(ok.exitCode, 0);
    // stdout and stderr are separate pipes: Docker itself cannot order lines across them.
    assert.deepEqual([...ok.output].sort(), ['careful', 'migrated']);
    const many = await runtime.runOnce(spec(app, { process: 'release', command: `node -e "for(let i=1;i<=100;i++)console.log('line '+i);process.exit(3)"` }), 10_000);
    assert.equal(many.exitCode, 3);
    assert.equal(many.output.length, 50);
    assert.equal(many.output.at(-1), 'line 100');
    const left = await docker.listContainers({ all: true, filters: { label: [`paas.dev/app=${app}`] } });
    assert.deepEqual(left, []);
  });

  test('runOnce stops a command that outlives its timeout', async (t) => {
    if (dockerMissing) return t.skip(dockerMissing);
    const app = appName();
    const began = Date.now();
    const result = await runtime.runOnce(spec(app, { process: 'release', command: `echo starting; node -e "setInterval(()=>{},1000)"` }), 500);
    assert.ok(Date.now() - began < 5000);
    assert.notEqual(result.exitCode, 0);
    assert.equal(result.output[0], 'starting');
    assert.match(result.output.at(-1) ?? '', /Timed out after 0.5 s/);
  });

  test('a missing image is a clear error that never shows config values', async (t) => {
    if (dockerMissing) return t.skip(dockerMissing);
    const app = appName();
    const missing = spec(app, { image: `paas-test/missing:${runId}`, env: { SECRET: 'do-not-show-me' } });
    for (const attempt of [() => runtime.start(missing), () => runtime.runOnce(missing, 1000)]) {
      await assert.rejects(attempt(), (err) => {
        assert.ok(isPaasError(err));
        assert.equal(err.code, 'NOT_FOUND');
        assert.match(err.message, /paas-test\/missing/);
        assert.ok(err.hint);
        assert.doesNotMatch(`${err.message} ${err.hint}`, /do-not-show-me/);
        return true;
      });
    }
  });

  test('logs: history is merged by time across instances and limited by tail', async (t) => {
    if (dockerMissing) return t.skip(dockerMissing);
    const app = appName();
    const talk = `node -e "console.log('out '+process.env.PAAS_INSTANCE);setTimeout(()=>console.error('err '+process.env.PAAS_INSTANCE),50);setInterval(()=>{},1000)"`;
    await runtime.start(spec(app, { command: talk }));
    await runtime.start(spec(app, { command: talk, process: 'worker' }));
    const read = async (tail?: number) => {
      const lines: LogLine[] = [];
      for await (const line of runtime.logs({ app }, { follow: false, tail })) lines.push(line);
      return lines;
    };
    const lines = await until('four lines', async () => {
      const got = await read();
      return got.length >= 4 ? got : undefined;
    });
    assert.deepEqual(lines.map((l) => `${l.source} ${l.stream} ${l.line}`).sort(), ['web.1 stderr err web.1', 'web.1 stdout out web.1', 'worker.1 stderr err worker.1', 'worker.1 stdout out worker.1']);
    const times = lines.map((l) => l.time.getTime());
    assert.deepEqual(times, [...times].sort((a, b) => a - b));
    assert.ok(lines.every((l) => l.release === 1));
    assert.equal((await read(1)).length, 2, 'tail counts per instance');
  });

  test('logs: following interleaves new lines, picks up new instances, and ends on abort', async (t) => {
    if (dockerMissing) return t.skip(dockerMissing);
    const app = appName();
    const ticker = `node -e "let n=0;setInterval(()=>console.log(process.env.PAAS_INSTANCE+' tick '+(++n)),100)"`;
    await runtime.start(spec(app, { command: ticker }));
    const controller = new AbortController();
    const seen: LogLine[] = [];
    const stopAt = setTimeout(() => controller.abort(), 15_000);
    let second: Promise<Instance> | undefined;
    for await (const line of runtime.logs({ app }, { follow: true, tail: 0, signal: controller.signal })) {
      seen.push(line);
      if (seen.length === 3) second = runtime.start(spec(app, { command: ticker }));
      if (seen.some((l) => l.source === 'web.2') && seen.length > 10) controller.abort();
    }
    clearTimeout(stopAt);
    await second;
    assert.ok(controller.signal.aborted);
    const web1 = seen.filter((l) => l.source === 'web.1').map((l) => Number(l.line.split(' ').at(-1)));
    assert.ok(seen.some((l) => l.source === 'web.2'), 'an instance started while following shows up');
    assert.deepEqual(web1, web1.map((_, i) => web1[0]! + i), 'no line lost or repeated');
  });

  test('a new driver object adopts the running instances (server restart)', async (t) => {
    if (dockerMissing) return t.skip(dockerMissing);
    const app = appName();
    const started = await Promise.all([runtime.start(spec(app)), runtime.start(spec(app, { process: 'worker', command: 'node -e "setInterval(()=>{},1000)"' }))]);
    const restarted = createDockerRuntime({ docker, extraLabels: testLabels });
    const adopted = await restarted.list({ app });
    assert.deepEqual(adopted.map((i) => [i.id, i.name, i.endpoint?.port]).sort(), started.map((i) => [i.id, i.name, i.endpoint?.port]).sort());
    assert.equal(await get(adopted.find((i) => i.process === 'web')!), `hello from ${app}`);
    const next = await restarted.start(spec(app));
    assert.equal(next.name, 'web.2', 'numbers and ports are taken from the labels, not from memory');
    assert.ok(!started.some((i) => i.endpoint?.port === next.endpoint?.port));
    await Promise.all(adopted.map((i) => restarted.stop(i.id, 5)));
    assert.deepEqual((await restarted.list({ app })).map((i) => i.name), ['web.2']);
  });
});
