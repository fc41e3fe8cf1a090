/**
 * The scale measurements on the real thing: paas-server with its embedded
 * router on the Docker engine, apps deployed with `git push` (a copy of
 * test/fixtures/apps/node-app). With one app, then with N (the others get
 * v1 by push and v2 by a config change, so every app has a serving and a
 * warm release), it times on the first app:
 *   rollback  POST …/releases/rollback until every new request through the router gets the new release
 *   deploy    git push until the router serves the new release (push-to-live)
 *   restart   kill -9 of paas-server and a new one until every app answers 200 through its router
 */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchContext } from './main.js';
import { REPO_ROOT, startPaas, type PaasServer } from './paas.js';
import { git, gitEnv, run } from './proc.js';
import { print } from './report.js';
import type { Figures } from './scale-inprocess.js';

const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'apps', 'node-app');

export interface DockerScale {
  small: Figures;
  large: Figures;
}

export async function measureDocker(options: { apps: number; rounds: { rollback: number; deploy: number; restart: number }; defer: BenchContext['defer'] }): Promise<DockerScale> {
  const work = await mkdtemp(join(tmpdir(), 'paas-bench-scale-'));
  options.defer(() => rm(work, { recursive: true, force: true }));
  const source = join(work, 'app');
  await cp(FIXTURE, source, { recursive: true });
  await git(source, ['init', '-q', '-b', 'main']);
  let greeting = 0;
  const commit = async () => {
    await writeFile(join(source, 'greeting.js'), `exports.greeting = "scale ${++greeting}";\n`);
    await git(source, ['add', '-A']);
    await git(source, ['commit', '-qm', `greeting ${greeting}`]);
  };
  const paas = await startPaas();
  options.defer(() => paas.stop());
  const push = async (app: string, timeline?: string[]) => {
    const pushed = await run('git', ['push', '-q', '-f', paas.gitUrl(app), 'main'], {
      cwd: source, env: gitEnv(), timeoutMs: 180_000,
      ...(timeline ? { onStderrLine: (line: string, at: number) => timeline.push(`${at.toFixed(0).padStart(6)} ms ${line}`) } : {}),
    });
    if (pushed.code !== 0) throw new Error(`push to ${app} failed:\n${pushed.stderr}`);
  };

  const first = 'scale-0';
  await paas.createApp(first);
  await commit();
  await push(first);
  await commit();
  await push(first);
  const small = await measure(paas, [first], options.rounds, commit, push);

  const setupStart = performance.now();
  const others = Array.from({ length: options.apps - 1 }, (_, i) => `scale-${i + 1}`);
  let next = 0;
  const deployer = async () => {
    while (next < others.length) {
      const app = others[next++]!;
      await paas.createApp(app);
      await push(app);
      const res = await paas.api('PATCH', `/v1/apps/${app}/config`, { GREETING: 'v2' });
      if (res.status !== 200) throw new Error(`config release of ${app}: ${res.status} ${JSON.stringify(res.body)}`);
    }
  };
  await Promise.all([deployer(), deployer(), deployer()]);
  print(`docker: ${options.apps} apps with two releases each (${others.length} added in ${((performance.now() - setupStart) / 1000).toFixed(1)} s)`);
  const large = await measure(paas, [first, ...others], options.rounds, commit, push);
  return { small, large };
}

async function measure(paas: PaasServer, apps: string[], rounds: { rollback: number; deploy: number; restart: number }, commit: () => Promise<void>, push: (app: string, timeline?: string[]) => Promise<void>): Promise<Figures> {
  const app = apps[0]!;
  const figures: Figures = { apps: apps.length, setupMs: 0, rollback: [], deploy: [], restart: [] };
  for (let i = 0; i < rounds.rollback; i++) {
    const started = performance.now();
    const res = await paas.api<{ release: { version: number }; warm: boolean }>('POST', `/v1/apps/${app}/releases/rollback`, {});
    if (res.status !== 201 || !res.body.warm) throw new Error(`rollback of ${app}: ${res.status} ${JSON.stringify(res.body)}`);
    await untilRelease(paas.routerPort, app, `v${res.body.release.version}`);
    figures.rollback.push(performance.now() - started);
  }
  const timelines: string[][] = [];
  for (let i = 0; i < rounds.deploy; i++) {
    await commit();
    const before = await get(paas.routerPort, app);
    const started = performance.now();
    const timeline: string[] = [];
    await push(app, timeline);
    const version = Number(before.release.slice(1)) + 1;
    await untilRelease(paas.routerPort, app, `v${version}`);
    figures.deploy.push(performance.now() - started);
    timelines.push(timeline);
  }
  const median = [...figures.deploy.keys()].sort((a, b) => figures.deploy[a]! - figures.deploy[b]!)[Math.floor(figures.deploy.length / 2)];
  if (median !== undefined) print(`docker ${apps.length} app(s): the median push, as the pusher saw it:\n${timelines[median]!.map((l) => `  ${l}`).join('\n')}`);
  for (let i = 0; i < rounds.restart; i++) {
    const started = performance.now();
    await paas.crashAndRestart();
    await allServing(paas, apps);
    figures.restart.push(performance.now() - started);
  }
  print(`docker ${apps.length} app(s): rollback ${figures.rollback.map((v) => v.toFixed(0)).join(' ')} ms; deploy ${figures.deploy.map((v) => v.toFixed(0)).join(' ')} ms; restart ${figures.restart.map((v) => v.toFixed(0)).join(' ')} ms`);
  return figures;
}

async function allServing(paas: PaasServer, apps: string[]): Promise<void> {
  const waiting = new Set(apps);
  const deadline = performance.now() + 60_000;
  while (waiting.size > 0) {
    if (performance.now() > deadline) throw new Error(`apps not serving 60 s after the restart: ${[...waiting].slice(0, 5).join(', ')}`);
    await Promise.all([...waiting].map(async (app) => {
      if ((await get(paas.routerPort, app).catch(() => undefined))?.status === 200) waiting.delete(app);
    }));
  }
}

async function untilRelease(port: number, app: string, release: string): Promise<void> {
  const deadline = performance.now() + 120_000;
  while ((await get(port, app).catch(() => undefined))?.release !== release) {
    if (performance.now() > deadline) throw new Error(`${app} never served ${release}`);
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function get(port: number, app: string): Promise<{ status: number; release: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent, headers: { host: `${app}.localhost` } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, release: String(res.headers['x-paas-release'] ?? '') }));
    });
    req.setTimeout(5000, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}
