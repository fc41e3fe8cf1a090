/**
 * The Docker driver against the real engine: instance sets kept at their
 * replicas on ports the driver chose, readiness from its own probes,
 * healing after `docker rm -f` and `docker stop`, rolling restarts, drains,
 * the release phase, logs, and adoption by a new driver object. Every
 * container carries `paas.dev/test=<run id>` and is removed in `after`.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import Dockerode from 'dockerode';
import { ensureNodeImage } from '../../../test/support/node-image.js';
import { isPaasError } from '../../errors.js';
import type { Instance, InstanceSetSpec, LogLine, ObservedSet, Runtime } from '../runtime.js';
import { createDockerRuntime, type DockerRuntimeOptions } from './docker-runtime.js';

const docker = new Dockerode();
const runId = randomBytes(4).toString('hex');
const testLabels = { 'paas.dev/test': runId };
const drivers: Runtime[] = [];
let image = '';
let dockerMissing: string | undefined;

function driver(over: Partial<DockerRuntimeOptions> = {}): Runtime {
  const runtime = createDockerRuntime({ docker, extraLabels: testLabels, logPollMs: 200, drainMs: 0, stopGraceSeconds: 5, resyncMs: 1000, ...over });
  drivers.push(runtime);
  return runtime;
}

const SERVER = `node -e "require('http').createServer((q,s)=>s.end(process.env.MSG)).listen(process.env.PORT,'127.0.0.1')"`;
const IDLE = 'node -e "setInterval(()=>{},1000)"';

let appCounter = 0;
/** A fresh app name per test so nothing sees another test's containers. */
function appName(): string {
  appCounter++;
  return `t${runId}-${appCounter}`;
}

function spec(app: string, over: Partial<InstanceSetSpec> = {}): InstanceSetSpec {
  return { app, release: 1, process: 'web', image, command: SERVER, env: { MSG: `hello from ${app}` }, replicas: 1, healthcheckPath: null, ...over };
}

async function until<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; attempt < 1000; attempt++) {
    const value = await Promise.resolve().then(check).catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function setOf(runtime: Runtime, app: string, release = 1, process = 'web'): ObservedSet | undefined {
  return runtime.observe(app).find((s) => s.release === release && s.process === process);
}

/** The set once it has `replicas` ready instances of its current template. */
function readySet(runtime: Runtime, app: string, replicas = 1, release = 1, process = 'web'): Promise<ObservedSet> {
  return until(`${app} v${release} ${process} ready x${replicas}`, () => {
    const set = setOf(runtime, app, release, process);
    return set && set.readyReplicas === replicas && set.updated && set.instances.length === replicas ? set : undefined;
  });
}

async function get(instance: Instance): Promise<string> {
  assert.ok(instance.endpoint, 'a web instance has an endpoint');
  const response = await fetch(`http://${instance.endpoint.host}:${instance.endpoint.port}/`, { signal: AbortSignal.timeout(2000) });
  return response.text();
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
  await Promise.all(drivers.map((d) => d.close()));
  if (dockerMissing) return;
  const leftovers = await docker.listContainers({ all: true, filters: { label: [`paas.dev/test=${runId}`] } });
  await Promise.all(leftovers.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
});

describe('docker runtime', { concurrency: false }, () => {
  test('a web set serves its config on ports the driver chose, ready only once it answers, with labels', async (t) => {
    if (dockerMissing) return t.skip(dockerMissing);
    const runtime = driver();
    await runtime.start();
    const app = appName();
    await runtime.applySet(spec(app, { release: 3, replicas: 3 }));
    const set = await readySet(runtime, app, 3, 3);
    assert.deepEqual(set.instances.map((i) => i.name), ['web.1', 'web.2', 'web.3']);
    assert.equal(new Set(set.instances.map((i) => i.endpoint?.port)).size, 3, 'distinct ports');
    for (const instance of set.instances) {
      assert.equal(instance.endpoint?.host, '127.0.0.1');
      assert.equal(await get(instance), `hello from ${app}`);
    }
    const info = await docker.getContainer(set.instances[0]!.id).inspect();
    assert.match(info.Name, new RegExp(`^/paas-${app}-v3-web-1-[0-9a-f]{6}$`));
    const want = {
      'app.kubernetes.io/managed-by': 'paas', 'paas.dev/kind': 'instance', 'paas.dev/app': app, 'paas.dev/release': 'v3',
      'paas.dev/process': 'web', 'paas.dev/instance': 'web.1', 'paas.dev/port': String(set.instances[0]!.endpoint!.port), 'paas.dev/healthcheck': '',
    };
    assert.deepEqual(Object.fromEntries(Object.keys(want).map((k) => [k, info.Config.Labels[k]])), want);
    assert.equal(info.HostConfig.NetworkMode, 'host');
    assert.equal(info.HostConfig.Init, true);
    assert.ok(info.Config.Env.includes('PAAS_RELEASE=v3'));
  });

  test('an HTTP health check gates readiness; workers get a PORT but no endpoint', async (t) => {
    if (dockerMissing) return t.skip(dockerMissing);
    const runtime = driver();
    await runtime.start();
    const app = appName();
    const slow = `node -e "let up=false;setTimeout(()=>up=true,700);require('http').createServer((q,s)=>{s.statusCode=q.url==='/up'&&up?200:503;s.end()}).listen(process.env.PORT,'127.0.0.1')"`;
    await runtime.applySet(spec(app, { command: slow, healthcheckPath: '/up' }));
    await runtime.applySet(spec(app, { process: 'worker', command: IDLE }));
    const notYet = await until('listening but not ready', () => {
      const reason = setOf(runtime, app)?.instances[0]?.reason;
      return reason?.includes('answered') ? reason : undefined;
    });
    assert.match(notYet, /GET \/up answered 503/);
    await readySet(runtime, app);
    const worker = await readySet(runtime, app, 1, 1, 'worker');
    assert.equal(worker.instances[0]!.endpoint, undefined);
    const env = (await docker.getContainer(worker.instances[0]!.id).inspect()).Config.Env;
    assert.ok(env.some((e) => /^PORT=\d+$/.test(e)));
    assert.deepEqual(runtime.observe(app).map((s) => s.process).sort(), ['web', 'worker']);
  });

  test('scaling down retires the highest numbers after draining; deleting a set stops a handler-less app at once', async (t) => {
    if (dockerMissing) return t.skip(dockerMissing);
    const runtime = driver({ drainMs: 600 });
    await runtime.start();
    const app = appName();
    await runtime.applySet(spec(app, { replicas: 3 }));
    await readySet(runtime, app, 3);
    await runtime.applySet(spec(app, { replicas: 1 }));
    const draining = await until('two out of rotation', () => {
      const set = setOf(runtime, app)!;
      return set.instances.filter((i) => i.state === 'stopping').length === 2 ? set : undefined;
    }, 500);
    assert.deepEqual(draining.instances.map((i) => `${i.name} ${i.state}`), ['web.1 running', 'web.2 stopping', 'web.3 stopping'], 'out of rotation at once');
    assert.equal(await get(draining.instances[2]!), `hello from ${app}`, 'still answering while it drains');
    await readySet(runtime, app, 1);
    const began = Date.now();
    await runtime.deleteSet({ app, release: 1, process: 'web' });
    await until('the set gone', () => (runtime.observe(app).length === 0 ? true : undefined));
    assert.ok(Date.now() - began < 4000, `delete took ${Date.now() - began} ms`);
    assert.deepEqual(await docker.listContainers({ all: true, filters: { label: [`paas.dev/app=${app}`] } }), []);
  });

  test('stopping delivers SIGTERM to the app itself, so it can finish its work', async (t) => {
    if (dockerMissing) return t.skip(dockerMissing);
    const runtime = driver();
    await runtime.start();
    const app = appName();
    const graceful = `node -e "process.on('SIGTERM',()=>{console.log('bye');setTimeout(()=>process.exit(0),1000)});setInterval(()=>{},1000);console.log('up')"`;
    await runtime.applySet(spec(app, { process: 'worker', command: graceful }));
    const [instance] = (await readySet(runtime, app, 1, 1, 'worker')).instances;
    await until('the app to start', async () => ((await docker.getContainer(instance!.id).logs({ stdout: true })).toString().includes('up') ? true : undefined));
    const began = Date.now();
    await runtime.deleteSet({ app, release: 1, process: 'worker' });
    await until('the set gone', () => (runtime.observe(app).length === 0 ? true : undefined));
    const took = Date.now() - began;
    assert.ok(took >= 900 && took < 5000, `stop took ${took} ms, want the app's own 1 s shutdown`);
  });

  test('heals without being asked: a removed container is replaced, a stopped one started again, and observers hear of it', async (t) => {
    if (dockerMissing) return t.skip(dockerMissing);
    const runtime = driver();
    await runtime.start();
    const app = appName();
    const changes: string[] = [];
    runtime.onChange((changed) => changes.push(changed));
    await runtime.applySet(spec(app, { replicas: 2 }));
    const [first, second] = (await readySet(runtime, app, 2)).instances;
    await docker.getContainer(first!.id).remove({ force: true });
    await docker.getContainer(second!.id).stop({ t: 1 });
    const healed = await until('two ready again', () => {
      const set = setOf(runtime, app);
      return set && set.readyReplicas === 2 && !set.instances.some((i) => i.id === first!.id) ? set : undefined;
    });
    assert.ok(healed.instances.some((i) => i.id === second!.id), 'the stopped container came back, not a new one');
    assert.ok(changes.includes(app));
    for (const instance of healed.instances) assert.equal(await get(instance), `hello from ${app}`);
  });

  test('an instance that hangs (its health check stops answering) is restarted, and serves again', async (t) => {
    if (dockerMissing) return t.skip(dockerMissing);
    const runtime = driver({ livenessMs: 1500, probeSlowMs: 200 });
    await runtime.start();
    const app = appName();
    // Answers /up for its first second, then never again: a wedged event loop, as far as a prober can tell.
    const hangs = `node -e "const t=Date.now();require('http').createServer((q,s)=>{if(Date.now()-t<1000)s.end('up')}).listen(process.env.PORT,'127.0.0.1')"`;
    await runtime.applySet(spec(app, { command: hangs, healthcheckPath: '/up' }));
    const first = (await readySet(runtime, app)).instances[0]!;
    const restarted = await until('a restart after the hang', () => {
      const instance = setOf(runtime, app)?.instances[0];
      return instance && instance.id === first.id && instance.ready && instance.startedAt && first.startedAt && instance.startedAt > first.startedAt ? instance : undefined;
    }, 20_000);
    assert.equal(restarted.name, 'web.1', 'the same instance, restarted in place');
  });

  test('a crashing instance is restarted by the engine and the set reports why it is not ready', async (t) => {
    if (dockerMissing) return t.skip(dockerMissing);
    const runtime = driver();
    await runtime.start();
    const app = appName();
    await runtime.applySet(spec(app, { command: `node -e "console.error('boom');setTimeout(()=>process.exit(3),200)"` }));
    const failure = await until('a failure', () => setOf(runtime, app)?.failure);
    assert.equal(failure.instance, 'web.1');
    assert.match(failure.reason, /exit(ed)? (with )?code 3|crashed \(exit code 3\)/);
  });

  test('a rolling restart replaces every instance, never with fewer ready than wanted', async (t) => {
    if (dockerMissing) return t.skip(dockerMissing);
    const runtime = driver();
    await runtime.start();
    const app = appName();
    await runtime.applySet(spec(app, { replicas: 2 }));
    const before = (await readySet(runtime, app, 2)).instances.map((i) => i.id);
    let fewest = 2;
    const sampler = setInterval(() => (fewest = Math.min(fewest, setOf(runtime, app)?.instances.filter((i) => i.ready).length ?? 0)), 10);
    await runtime.restartSet({ app, release: 1, process: 'web' }, 'restart-1');
    const after = await until('all replaced', () => {
      const set = setOf(runtime, app);
      return set && set.updated && set.readyReplicas === 2 && set.instances.length === 2 && set.instances.every((i) => !before.includes(i.id)) ? set : undefined;
    });
    clearInterval(sampler);
    assert.equal(fewest, 2, 'two instances were ready all along');
    const labels = (await docker.getContainer(after.instances[0]!.id).inspect()).Config.Labels;
    assert.equal(labels['paas.dev/restart'], 'restart-1');
  });

  test('runOnce streams its output, reports success, failure and the last 50 lines, and leaves no container', async (t) => {
    if (dockerMissing) return t.skip(dockerMissing);
    const runtime = driver();
    const app = appName();
    const streamed: string[] = [];
    const ok = await runtime.runOnce(spec(app, { process: 'release', command: `echo migrated; echo careful >&2` }), { timeoutMs: 10_000, onLine: (l) => streamed.push(l) });
    assert.equal(ok.exitCode, 0);
    // stdout and stderr are separate pipes: Docker itself cannot order lines across them.
    assert.deepEqual([...ok.output].sort(), ['careful', 'migrated']);
    assert.deepEqual([...streamed].sort(), ['careful', 'migrated']);
    const many = await runtime.runOnce(spec(app, { process: 'release', command: `node -e "for(let i=1;i<=100;i++)console.log('line '+i);process.exit(3)"` }), { timeoutMs: 10_000 });
    assert.equal(many.exitCode, 3);
    assert.equal(many.output.length, 50);
    assert.equal(many.output.at(-1), 'line 100');
    const left = await docker.listContainers({ all: true, filters: { label: [`paas.dev/app=${app}`] } });
    assert.deepEqual(left, []);
  });

  test('runOnce stops a command that outlives its timeout', async (t) => {
    if (dockerMissing) return t.skip(dockerMissing);
    const runtime = driver();
    const app = appName();
    const began = Date.now();
    const result = await runtime.runOnce(spec(app, { process: 'release', command: `echo starting; node -e "setInterval(()=>{},1000)"` }), { timeoutMs: 500 });
    assert.ok(Date.now() - began < 5000);
    assert.notEqual(result.exitCode, 0);
    assert.equal(result.output[0], 'starting');
    assert.match(result.output.at(-1) ?? '', /Timed out after 0.5 s/);
  });

  test('a missing image is a clear failure of the set that never shows config values', async (t) => {
    if (dockerMissing) return t.skip(dockerMissing);
    const runtime = driver();
    await runtime.start();
    const app = appName();
    const missing = spec(app, { image: `paas-test/missing:${runId}`, env: { SECRET: 'do-not-show-me' } });
    await runtime.applySet(missing);
    const failure = await until('the set to report its failure', () => setOf(runtime, app)?.failure);
    assert.match(failure.reason, /paas-test\/missing:\w+ is not on this Docker engine/);
    assert.doesNotMatch(failure.reason, /do-not-show-me/);
    await assert.rejects(runtime.runOnce(missing, { timeoutMs: 1000 }), (err) => {
      assert.ok(isPaasError(err));
      assert.equal(err.code, 'NOT_FOUND');
      assert.match(err.message, /paas-test\/missing/);
      assert.ok(err.hint);
      assert.doesNotMatch(`${err.message} ${err.hint}`, /do-not-show-me/);
      return true;
    });
  });

  test('logs: history is merged by time across instances and limited by tail', async (t) => {
    if (dockerMissing) return t.skip(dockerMissing);
    const runtime = driver();
    await runtime.start();
    const app = appName();
    const talk = `node -e "console.log('out '+process.env.PAAS_INSTANCE);setTimeout(()=>console.error('err '+process.env.PAAS_INSTANCE),50);setInterval(()=>{},1000)"`;
    await runtime.applySet(spec(app, { process: 'web', command: talk }));
    await runtime.applySet(spec(app, { process: 'worker', command: talk }));
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
    const runtime = driver();
    await runtime.start();
    const app = appName();
    const ticker = `node -e "let n=0;setInterval(()=>console.log(process.env.PAAS_INSTANCE+' tick '+(++n)),100)"`;
    await runtime.applySet(spec(app, { process: 'worker', command: ticker }));
    const controller = new AbortController();
    const seen: LogLine[] = [];
    const stopAt = setTimeout(() => controller.abort(), 15_000);
    let second: Promise<void> | undefined;
    for await (const line of runtime.logs({ app }, { follow: true, tail: 0, signal: controller.signal })) {
      seen.push(line);
      if (seen.length === 3) second = runtime.applySet(spec(app, { process: 'worker', command: ticker, replicas: 2 }));
      if (seen.some((l) => l.source === 'worker.2') && seen.length > 10) controller.abort();
    }
    clearTimeout(stopAt);
    await second;
    assert.ok(controller.signal.aborted);
    const first = seen.filter((l) => l.source === 'worker.1').map((l) => Number(l.line.split(' ').at(-1)));
    assert.ok(seen.some((l) => l.source === 'worker.2'), 'an instance started while following shows up');
    assert.deepEqual(first, first.map((_, i) => first[0]! + i), 'no line lost or repeated');
  });

  test('a release phase the server was running when it died is removed at the next start', async (t) => {
    if (dockerMissing) return t.skip(dockerMissing);
    const app = appName();
    const labels = { ...testLabels, 'app.kubernetes.io/managed-by': 'paas', 'paas.dev/kind': 'one-off', 'paas.dev/app': app, 'paas.dev/release': 'v2', 'paas.dev/process': 'release' };
    const orphan = await docker.createContainer({ Image: image, Cmd: ['node', '-e', 'setInterval(()=>{},1000)'], Labels: labels, HostConfig: { Init: true } });
    await orphan.start();
    const runtime = driver();
    await runtime.start();
    await assert.rejects(orphan.inspect(), (err: { statusCode?: number }) => err.statusCode === 404);
  });

  test('a new driver object adopts what runs, ready at once, and applying the same set again starts nothing', async (t) => {
    if (dockerMissing) return t.skip(dockerMissing);
    const first = driver();
    await first.start();
    const app = appName();
    await first.applySet(spec(app, { replicas: 2 }));
    await first.applySet(spec(app, { process: 'worker', command: IDLE }));
    const running = (await readySet(first, app, 2)).instances;
    await first.close();

    const restarted = driver();
    await restarted.start();
    const adopted = setOf(restarted, app)!;
    assert.deepEqual(adopted.instances.map((i) => [i.id, i.name, i.endpoint?.port, i.ready]), running.map((i) => [i.id, i.name, i.endpoint?.port, true]));
    assert.equal(setOf(restarted, app, 1, 'worker')?.instances.length, 1);
    await restarted.applySet(spec(app, { replicas: 2 }));
    assert.deepEqual(setOf(restarted, app)!.instances.map((i) => i.id), running.map((i) => i.id), 'nothing restarted');
    await restarted.applySet(spec(app, { replicas: 3 }));
    const grown = await readySet(restarted, app, 3);
    const added = grown.instances.find((i) => !running.some((r) => r.id === i.id))!;
    assert.equal(added.name, 'web.3', 'numbers and ports come from the labels, not from memory');
    assert.ok(!running.some((i) => i.endpoint?.port === added.endpoint?.port));
  });
});
