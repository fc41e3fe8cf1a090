/**
 * bench rollback: how fast a warm rollback moves all new traffic, and whether
 * any request fails while it does. Two releases of a small Node app are
 * live/warm; 8 workers keep requesting the app through the router while the
 * benchmark rolls back and forth.
 *
 * Target (DESIGN.md, Performance targets): ≤ 50 ms to 100% of new requests on
 * the target release, 0 failed requests.
 *
 *   node dist/bench/rollback.js               on the Docker runtime
 *   node dist/bench/rollback.js kubernetes    on the Kubernetes runtime: the API double in this
 *                                             process, pods as real containers, a real registry
 */
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Docker from 'dockerode';
import { startKubeDouble } from '../test/support/kube/double.js';
import { startTestRegistry } from '../test/support/registry.js';
import { runBench } from './support/main.js';
import { REPO_ROOT, startPaas } from './support/paas.js';
import { git, gitEnv, run, sleep } from './support/proc.js';
import { formatSummary, ms, print, printHeader, printVerdicts, summarize } from './support/report.js';

const APP = 'bench-rollback';
const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'apps', 'node-app');
const WORKERS = 8;
const ROLLBACKS = 10;
const SETTLE_MS = 250;
const OBSERVE_MS = 250;
/** Bounds the load loop whatever happens. */
const MAX_REQUESTS = 500_000;
const MAX_LOAD_MS = 30_000;
const TARGET_MS = 50;

interface Sample {
  start: number;
  end: number;
  status: number;
  release: string;
  body: string;
  error?: string;
}

const KUBERNETES = process.argv.includes('kubernetes');

/** The server's settings for the runtime under test; on Kubernetes, the double and a registry it pulls from. */
async function runtimeEnv(defer: (cleanup: () => Promise<unknown>) => void): Promise<Record<string, string>> {
  if (!KUBERNETES) return {};
  const registry = await startTestRegistry();
  defer(() => registry.stop());
  const kube = await startKubeDouble({ docker: new Docker(), probePeriodMs: 200 });
  defer(() => kube.close());
  const dir = await mkdtemp(join(tmpdir(), 'paas-bench-kube-'));
  defer(() => rm(dir, { recursive: true, force: true }));
  await kube.writeKubeconfig(join(dir, 'kubeconfig'));
  return { PAAS_RUNTIME: 'kubernetes', PAAS_REGISTRY: registry.host, KUBECONFIG: join(dir, 'kubeconfig') };
}

runBench(KUBERNETES ? 'rollback-kubernetes' : 'rollback', 180_000, async ({ defer }) => {
  printHeader(KUBERNETES ? 'rollback (kubernetes runtime: API double, pods as Docker containers, real registry)' : 'rollback', [
    'app: a copy of test/fixtures/apps/node-app pushed twice (v1, v2) with different greetings; PAAS_WARM_RELEASES=1 (default).',
    `load: ${WORKERS} workers, each one keep-alive connection, GET / through the router (Host: ${APP}.localhost) back to back,`,
    '  every answer recorded with its start time, status, X-Paas-Release and body.',
    `${ROLLBACKS} rollbacks: POST /v1/apps/${APP}/releases/rollback {} (no version: the previous good release), alternating`,
    `  between the two instance sets; ${SETTLE_MS} ms of load before each, ${OBSERVE_MS} ms observed after it is issued.`,
    'switch time: from issuing the POST (client clock, just before the request is sent) to the start of the first request',
    '  after the last request that still got another release; every request started from then on answered',
    '  200 with the new release in X-Paas-Release and the target instance set\'s greeting in the body.',
    'failed: any request over the whole load that errored or answered other than 200 (retried nowhere: the client does not retry).',
  ]);
  const nonce = randomBytes(4).toString('hex');
  const work = await mkdtemp(join(tmpdir(), 'paas-bench-rollback-'));
  defer(() => rm(work, { recursive: true, force: true }));
  const source = join(work, 'app');
  await cp(FIXTURE, source, { recursive: true });
  await git(source, ['init', '-q', '-b', 'main']);

  const paas = await startPaas({ env: await runtimeEnv(defer) });
  defer(() => paas.stop());
  await paas.createApp(APP);
  const greetings = new Map<number, string>();
  for (const version of [1, 2]) {
    const greeting = `hello from ${nonce} v${version}`;
    await writeFile(join(source, 'greeting.js'), `exports.greeting = ${JSON.stringify(greeting)};\n`);
    await git(source, ['add', '-A']);
    await git(source, ['commit', '-qm', greeting]);
    const pushed = await run('git', ['push', '-q', paas.gitUrl(APP), 'main'], { cwd: source, env: gitEnv(), timeoutMs: 120_000 });
    if (pushed.code !== 0 || !pushed.stderr.includes(`Released v${version}`)) throw new Error(`push of v${version} failed:\n${pushed.stderr}`);
    greetings.set(version, greeting);
  }
  print(`v1 and v2 live (v2 serving, v1 warm); starting load`);

  // Load.
  const samples: Sample[] = [];
  let stop = false;
  const loadStart = performance.now();
  const agents: http.Agent[] = [];
  const worker = async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);
    while (!stop && samples.length < MAX_REQUESTS && performance.now() - loadStart < MAX_LOAD_MS) {
      samples.push(await request(paas.routerPort, agent));
    }
  };
  const workers = Array.from({ length: WORKERS }, () => worker());
  defer(async () => {
    stop = true;
    await Promise.all(workers);
    for (const agent of agents) agent.destroy();
  });

  interface Rollback { issued: number; answered: number; serverMs: number; release: string; greeting: string; warm: boolean; target: number }
  const rollbacks: Rollback[] = [];
  for (let i = 0; i < ROLLBACKS; i++) {
    await sleep(SETTLE_MS);
    const issued = performance.now();
    const res = await paas.api<{ release: { version: number; runsOn: number }; target: number; warm: boolean; durationMs: number }>('POST', `/v1/apps/${APP}/releases/rollback`, {});
    const answered = performance.now();
    if (res.status !== 201) throw new Error(`rollback ${i + 1} answered ${res.status}: ${JSON.stringify(res.body)}`);
    const { release, target, warm, durationMs } = res.body;
    const greeting = greetings.get(release.runsOn);
    if (greeting === undefined) throw new Error(`rollback ${i + 1} runs v${release.version} on v${release.runsOn}, which this benchmark did not push`);
    rollbacks.push({ issued, answered, serverMs: durationMs, release: `v${release.version}`, greeting, warm, target });
    await sleep(OBSERVE_MS);
  }
  stop = true;
  await Promise.all(workers);
  const loadMs = performance.now() - loadStart;

  // Analysis.
  const failed = samples.filter((s) => s.error !== undefined || s.status !== 200);
  const switchMs: number[] = [];
  const apiMs: number[] = [];
  const serverMs: number[] = [];
  let misrouted = 0;
  rollbacks.forEach((rb, i) => {
    const windowEnd = rollbacks[i + 1]?.issued ?? Number.POSITIVE_INFINITY;
    const inWindow = samples.filter((s) => s.start >= rb.issued && s.start < windowEnd && s.error === undefined).sort((a, b) => a.start - b.start);
    const isNew = (s: Sample) => s.release === rb.release && s.status === 200;
    const lastOld = inWindow.filter((s) => !isNew(s)).at(-1);
    const firstAllNew = lastOld === undefined ? inWindow[0] : inWindow.find((s) => s.start > lastOld.start);
    if (firstAllNew === undefined) throw new Error(`rollback ${i + 1} (${rb.release}): new requests never all reached it within the ${OBSERVE_MS} ms observed`);
    const wrongBody = inWindow.filter((s) => isNew(s) && !s.body.includes(rb.greeting));
    misrouted += wrongBody.length;
    const t = firstAllNew.start - rb.issued;
    switchMs.push(t);
    apiMs.push(rb.answered - rb.issued);
    serverMs.push(rb.serverMs);
    print(`rollback ${String(i + 1).padStart(2)}: ${rb.release} (to v${rb.target}, ${rb.warm ? 'warm' : 'NOT warm'}) all new requests on it after ${ms(t)}; API answered after ${ms(rb.answered - rb.issued)} (server says ${ms(rb.serverMs)}); ${inWindow.length} requests observed`);
  });

  const s = summarize(switchMs);
  const a = summarize(apiMs);
  const sv = summarize(serverMs);
  const ok = samples.length - failed.length;
  print(`load: ${samples.length} requests in ${(loadMs / 1000).toFixed(1)} s (${Math.round(samples.length / (loadMs / 1000))} req/s), ${failed.length} failed, ${misrouted} with the new release header but another release's body`);
  for (const f of failed.slice(0, 5)) print(`  failed: ${f.error ?? `${f.status} ${f.release} ${f.body.slice(0, 80)}`}`);
  print(`switch time (issue ▶ 100% of new requests on target): ${formatSummary(s)}`);
  print(`rollback API round trip                             : ${formatSummary(a)}`);
  print(`rollback durationMs reported by the server          : ${formatSummary(sv)}`);
  const notWarm = rollbacks.filter((r) => !r.warm).length;
  if (notWarm > 0) print(`${notWarm} rollbacks were not warm (instances had to start)`);
  const pass = s.p95 <= TARGET_MS && failed.length === 0 && misrouted === 0 && notWarm === 0;
  printVerdicts([
    { name: KUBERNETES ? 'warm rollback (kubernetes)' : 'warm rollback', value: `median ${ms(s.median)}, p95 ${ms(s.p95)} (n=${s.n}); ${failed.length} failed of ${ok + failed.length}`, reference: `API round trip median ${ms(a.median)}`, target: `≤ ${TARGET_MS} ms, 0 failed`, pass },
  ]);
  return pass;
});

function request(port: number, agent: http.Agent): Promise<Sample> {
  return new Promise((resolve) => {
    const start = performance.now();
    const req = http.request({ host: '127.0.0.1', port, path: '/', method: 'GET', agent, headers: { host: `${APP}.localhost` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => resolve({ start, end: performance.now(), status: 0, release: '', body: '', error: err.message }));
      res.on('end', () => resolve({
        start, end: performance.now(), status: res.statusCode ?? 0, release: String(res.headers['x-paas-release'] ?? ''), body: Buffer.concat(chunks).toString(),
      }));
    });
    req.setTimeout(5000, () => req.destroy(new Error('timed out after 5 s')));
    req.on('error', (err) => resolve({ start, end: performance.now(), status: 0, release: '', body: '', error: err.message }));
    req.end();
  });
}
