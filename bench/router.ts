/**
 * bench router: our router against nginx as a reverse proxy in front of the
 * same Node backend, both pinned to one core, loaded by wrk; plus wrk
 * straight to the backend for the latency a proxy hop adds.
 *
 * Targets (DESIGN.md, Performance targets): ≥ 0.6× nginx's req/s per core,
 * ≤ +2 ms p99 over a direct connection.
 */
import { spawn, type ChildProcess } from 'node:child_process';

import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBench } from './support/main.js';
import { stopChild } from './support/paas.js';
import { run, sleep } from './support/proc.js';
import { ms, print, printHeader, printVerdicts, summarize } from './support/report.js';
import { freePort } from '../test/support/docker-run.js';

const APP = 'bench';
const CONNECTIONS = 64;
/** One request at a time: p99 shows the hop's own latency rather than queueing at saturation. */
const LIGHT_CONNECTIONS = 1;
const DURATION_S = 5;
const WARMUP_S = 2;
const ROUNDS = 3;
const PROXY_CPU = '0';
const LOAD_CPU = '1';
const TARGET_RATIO = 0.6;
const TARGET_P99_MS = 2;
const HERE = fileURLToPath(new URL('.', import.meta.url));

interface WrkResult {
  rps: number;
  /** Requests per CPU-second the proxy (or backend, for direct) process used: req/s per core, robust to other load. */
  perCpuSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

runBench('router', 150_000, async ({ defer }) => {
  printHeader('router', [
    'backend: one Node http process (bench/support/backend-child.ts) answering a 29-byte body, keep-alive.',
    `proxies, each pinned to CPU ${PROXY_CPU} (taskset), one process / one worker:`,
    '  paas router (router/proxy.ts createRouterServer, standalone, fixed route table, metrics on),',
    '  nginx (worker_processes 1, upstream keepalive 64, access_log off, proxy_http_version 1.1,',
    '  sets X-Forwarded-For/-Proto/-Host and adds X-Paas-Release like the router does),',
    '  plain-node (bench/support/plain-proxy-child.ts: http.request + pipe over a keep-alive agent, nothing else),',
    '  a reference for what Node itself costs per proxied request.',
    'req per CPU-second: wrk\'s request count / the utime+stime the serving process (and nginx\'s worker) used during',
    '  the run (/proc/<pid>/stat): req/s per core, and much less sensitive to other load on the machine than req/s.',
    `load: wrk -t1 -c${CONNECTIONS} -d${DURATION_S}s --latency with Host: ${APP}.localhost, pinned with the backend to CPU ${LOAD_CPU};`,
    `  "direct" is wrk straight to the backend. ${WARMUP_S} s unmeasured warm-up per target, then ${ROUNDS} rounds of`,
    '  direct/nginx/router/plain-node in rotating order; medians of the rounds.',
    `  then one ${DURATION_S} s run per target at -c${LIGHT_CONNECTIONS} (one request at a time, no queueing) for the latency of the hop itself.`,
  ]);
  for (const tool of ['nginx', 'wrk', 'taskset']) {
    if ((await run('sh', ['-c', `command -v ${tool}`])).code !== 0) throw new Error(`${tool} is missing: apt-get install -y nginx wrk util-linux`);
  }
  const work = await mkdtemp(join(tmpdir(), 'paas-bench-router-'));
  defer(() => rm(work, { recursive: true, force: true }));

  const backend = await startChild(['taskset', '-c', LOAD_CPU, process.execPath, join(HERE, 'support', 'backend-child.js')]);
  defer(() => stopChild(backend.child));
  const router = await startChild(['taskset', '-c', PROXY_CPU, process.execPath, join(HERE, 'support', 'router-child.js'), APP, String(backend.port)]);
  defer(() => stopChild(router.child));
  const plain = await startChild(['taskset', '-c', PROXY_CPU, process.execPath, join(HERE, 'support', 'plain-proxy-child.js'), String(backend.port)]);
  defer(() => stopChild(plain.child));
  const nginxPort = await freePort();
  await writeFile(join(work, 'nginx.conf'), nginxConfig(work, nginxPort, backend.port));
  const nginx = spawn('taskset', ['-c', PROXY_CPU, 'nginx', '-p', work, '-c', join(work, 'nginx.conf'), '-e', join(work, 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
  defer(() => stopChild(nginx));
  await waitForPort(nginxPort, 10_000);

  const targets = { direct: backend.port, nginx: nginxPort, router: router.port, 'plain-node': plain.port } as const;
  type Target = keyof typeof targets;
  // Whose CPU time each run is charged to: the process serving wrk's connections.
  const pids: Record<Target, number> = { direct: backend.child.pid!, nginx: nginx.pid!, router: router.child.pid!, 'plain-node': plain.child.pid! };
  const names = Object.keys(targets) as Target[];
  for (const name of names) await wrk(targets[name], WARMUP_S, pids[name]);
  const results: Record<Target, WrkResult[]> = { direct: [], nginx: [], router: [], 'plain-node': [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length]!);
    for (const name of order) {
      const r = await wrk(targets[name], DURATION_S, pids[name]);
      results[name].push(r);
      print(`round ${round + 1} ${name.padEnd(10)}: ${Math.round(r.rps)} req/s (${Math.round(r.perCpuSecond)} per CPU-second), p50 ${ms(r.p50)}, p99 ${ms(r.p99)}${r.errors ? `, ${r.errors} errors/non-2xx` : ''}`);
    }
  }
  const light = {} as Record<Target, WrkResult>;
  for (const name of names) {
    light[name] = await wrk(targets[name], DURATION_S, pids[name], LIGHT_CONNECTIONS);
    print(`light load (-c${LIGHT_CONNECTIONS}) ${name.padEnd(10)}: ${Math.round(light[name].rps)} req/s, p50 ${ms(light[name].p50)}, p99 ${ms(light[name].p99)}${light[name].errors ? `, ${light[name].errors} errors/non-2xx` : ''}`);
  }
  const med = (name: Target, key: keyof WrkResult) => summarize(results[name].map((r) => r[key])).median;
  for (const name of names) {
    print(`${name.padEnd(10)}: median ${Math.round(med(name, 'rps'))} req/s, ${Math.round(med(name, 'perCpuSecond'))} req per CPU-second, p50 ${ms(med(name, 'p50'))}, p99 ${ms(med(name, 'p99'))}, errors ${results[name].reduce((a, r) => a + r.errors, 0)}`);
  }
  const ratio = med('router', 'rps') / med('nginx', 'rps');
  const cpuRatio = med('router', 'perCpuSecond') / med('nginx', 'perCpuSecond');
  const p99Over = med('router', 'p99') - med('direct', 'p99');
  const nginxP99Over = med('nginx', 'p99') - med('direct', 'p99');
  const errors = results.router.reduce((a, r) => a + r.errors, 0) + light.router.errors;
  const lightOver = light.router.p99 - light.direct.p99;
  const nginxLightOver = light.nginx.p99 - light.direct.p99;
  print(`ratio router/nginx: req/s ${ratio.toFixed(2)}, req per CPU-second ${cpuRatio.toFixed(2)}; p99 over direct: router +${ms(p99Over)}, nginx +${ms(nginxP99Over)}`);
  printVerdicts([
    // req/s per core is judged on CPU time: wall-clock req/s on a shared 2-core machine mostly measures who else ran.
    { name: 'router req/s per core (req per CPU-second)', value: `${Math.round(med('router', 'perCpuSecond'))} (wall ${Math.round(med('router', 'rps'))} req/s, n=${ROUNDS})`, reference: `nginx ${Math.round(med('nginx', 'perCpuSecond'))} (wall ${Math.round(med('nginx', 'rps'))} req/s, wall ratio ${ratio.toFixed(2)})`, ratio: cpuRatio.toFixed(2), target: `≥ ${TARGET_RATIO}× nginx`, pass: cpuRatio >= TARGET_RATIO && errors === 0 },
    { name: `router p99 over direct at -c${CONNECTIONS}`, value: `+${ms(p99Over)} (router p99 ${ms(med('router', 'p99'))})`, reference: `direct p99 ${ms(med('direct', 'p99'))}, nginx +${ms(nginxP99Over)}`, target: `≤ +${TARGET_P99_MS} ms`, pass: p99Over <= TARGET_P99_MS },
    { name: `router p99 over direct at -c${LIGHT_CONNECTIONS}`, value: `+${ms(lightOver)} (router p99 ${ms(light.router.p99)})`, reference: `direct p99 ${ms(light.direct.p99)}, nginx +${ms(nginxLightOver)}`, target: `≤ +${TARGET_P99_MS} ms`, pass: lightOver <= TARGET_P99_MS },
  ]);
  return cpuRatio >= TARGET_RATIO && p99Over <= TARGET_P99_MS && errors === 0;
});

async function wrk(port: number, seconds: number, pid: number, connections = CONNECTIONS): Promise<WrkResult> {
  const cpuBefore = await cpuSeconds(pid);
  const r = await run('taskset', ['-c', LOAD_CPU, 'wrk', '-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-H', `Host: ${APP}.localhost`, `http://127.0.0.1:${port}/`], { timeoutMs: (seconds + 20) * 1000 });
  if (r.code !== 0) throw new Error(`wrk failed (${r.code}): ${r.stderr}${r.stdout}`);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1]);
  const p50 = latencyMs(/^\s+50%\s+([\d.]+)(us|ms|s)\s*$/m.exec(r.stdout));
  const p99 = latencyMs(/^\s+99%\s+([\d.]+)(us|ms|s)\s*$/m.exec(r.stdout));
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(r.stdout)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(r.stdout);
  const errors = non2xx + (socketErrors ? socketErrors.slice(1).reduce((a, n) => a + Number(n), 0) : 0);
  if (!Number.isFinite(rps) || !Number.isFinite(p99)) throw new Error(`could not read wrk's output:\n${r.stdout}`);
  const cpu = (await cpuSeconds(pid)) - cpuBefore;
  const requests = Number(/(\d+) requests in/.exec(r.stdout)?.[1]);
  return { rps, perCpuSecond: requests / cpu, p50, p99, errors };
}

/** utime+stime of a process and its direct children (nginx's worker), in seconds (proc(5): /proc/<pid>/stat fields 14, 15). */
async function cpuSeconds(pid: number): Promise<number> {
  const ticks = 100; // USER_HZ, 100 on Linux
  const read = async (p: string) => {
    const stat = await readFile(`/proc/${p}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
    return { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / ticks };
  };
  let total = (await read(String(pid))).cpu;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === pid) continue;
    const s = await read(entry);
    if (s.ppid === pid) total += s.cpu;
  }
  return total;
}

function latencyMs(match: RegExpExecArray | null): number {
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
}

function nginxConfig(dir: string, port: number, backendPort: number): string {
  return `# Written by bench/router.ts; removed after the run.
daemon off;
master_process on;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${join(dir, 'client_body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  keepalive_requests 100000;
  upstream backend {
    server 127.0.0.1:${backendPort};
    keepalive 64;
    keepalive_requests 100000;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      add_header X-Paas-Release v1;
    }
  }
}
`;
}

async function startChild(argv: string[]): Promise<{ child: ChildProcess; port: number }> {
  const [cmd, ...args] = argv as [string, ...string[]];
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${argv.join(' ')} did not start: ${out}`)), 10_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${argv.join(' ')} exited ${code}: ${out}`));
    });
  });
  return { child, port };
}


async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; attempt < 1000 && Date.now() < deadline; attempt++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(20);
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
}

