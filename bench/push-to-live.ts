/**
 * bench push-to-live: from `git push` to the first 200 of the new release,
 * for a small Node app with a warm build cache, against what the engine needs
 * at best for the same change: a cached `docker build` of the same context
 * plus a `docker run` until the container answers 200.
 *
 * Target (DESIGN.md, Performance targets): ≤ 1.0 s median.
 */
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Docker from 'dockerode';
import { packContext, type ContextEntry } from '../builder/context-tar.js';
import { makeNodeDockerfile } from '../builder/stacks/node.js';
import { GENERATED_APP_DIR, GENERATED_PAAS_DIR } from '../builder/stacks/stack.js';
import { pollUntil } from './support/http-probe.js';
import { runBench } from './support/main.js';
import { REPO_ROOT, startPaas } from './support/paas.js';
import { git, gitEnv, run } from './support/proc.js';
import { formatSummary, ms, print, printHeader, printVerdicts, summarize } from './support/report.js';
import { freePort } from '../test/support/docker-run.js';

const ROUNDS = 5;
const TARGET_MS = 1000;
const POLL_INTERVAL_MS = 5;
const POLL_DEADLINE_MS = 60_000;
const STACK_IMAGE = 'paas/stack:bookworm';
const APP = 'bench-live';
const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'apps', 'node-app');
const REF_LABEL = 'paas.dev/bench';

runBench('push-to-live', 240_000, async ({ defer }) => {
  printHeader('push-to-live', [
    `app: a copy of test/fixtures/apps/node-app (node stack, no lockfile), one unmeasured push first to warm the build cache.`,
    `paas: ${ROUNDS} rounds of: change the greeting line in greeting.js, commit, then time from spawning \`git push\``,
    `  to the first answer through the router (Host: ${APP}.localhost, polled every ${POLL_INTERVAL_MS} ms on 127.0.0.1) that is`,
    '  200, carries the new release in X-Paas-Release and has the new greeting in its body.',
    'reference: the same change built directly through dockerode, with the context and Dockerfile paas generates',
    '  (builder/stacks/node.ts, same stack image, same build options), then a container started like paas starts one',
    `  (host network, PORT env, init, sh -c "exec npm start") and polled every ${POLL_INTERVAL_MS} ms until it answers 200 with`,
    '  the new greeting: time from the start of the build to that answer. One unmeasured warm-up build first.',
    '  Greetings differ between paas and the reference, so neither reuses the other\'s app layer.',
    'paas and reference rounds alternate.',
  ]);
  const docker = new Docker();
  await docker.getImage(STACK_IMAGE).inspect().catch(() => {
    throw new Error(`${STACK_IMAGE} is missing: make it with "node bin/paas-server.js stacks:build"`);
  });
  const nonce = randomBytes(4).toString('hex');
  const work = await mkdtemp(join(tmpdir(), 'paas-bench-live-'));
  defer(() => rm(work, { recursive: true, force: true }));
  const source = join(work, 'app');
  await cp(FIXTURE, source, { recursive: true });
  const greetingFile = join(source, 'greeting.js');
  const setGreeting = (text: string) => writeFile(greetingFile, `exports.greeting = ${JSON.stringify(text)};\n`);

  const paas = await startPaas();
  defer(() => paas.stop());
  await paas.createApp(APP);
  await git(source, ['init', '-q', '-b', 'main']);
  let version = 0;

  const pushOnce = async (greeting: string, timeline?: Array<[number, string]>) => {
    await setGreeting(greeting);
    await git(source, ['add', '-A']);
    await git(source, ['commit', '-qm', greeting]);
    version++;
    const want = `v${version}`;
    let pushDone = false;
    let pushMs = Number.POSITIVE_INFINITY;
    const t0 = performance.now();
    const pushing = run('git', ['push', '-q', paas.gitUrl(APP), 'main'], {
      cwd: source, env: gitEnv(), timeoutMs: 120_000,
      onStderrLine: (line, at) => timeline?.push([at, line]),
    }).finally(() => (pushDone = true));
    const polling = pollUntil({
      port: paas.routerPort, host: `${APP}.localhost`, intervalMs: POLL_INTERVAL_MS, deadlineMs: POLL_DEADLINE_MS,
      agent: false,
      until: (a) => a.status === 200 && a.headers['x-paas-release'] === want && a.body.includes(greeting),
      // A failed push never goes live: stop polling a second after it ends.
      stop: () => pushDone && performance.now() - t0 > 1000 + pushMs,
    });
    // Awaited below; this only keeps a failed push from leaving the poll's rejection unhandled.
    polling.catch(() => undefined);
    const pushed = await pushing;
    pushMs = pushed.ms;
    if (pushed.code !== 0) throw new Error(`git push failed (exit ${pushed.code}):\n${pushed.stderr}`);
    if (!pushed.stderr.includes(`Released ${want}`)) throw new Error(`push did not say "Released ${want}":\n${pushed.stderr}`);
    const live = await polling;
    return { liveMs: live.at - t0, pushMs };
  };

  // Reference: same context and Dockerfile the node stack generates.
  const dockerfile = makeNodeDockerfile({ baseImage: STACK_IMAGE, lockfile: undefined, hasBuildScript: false, extraCaCerts: false, npmRegistry: false, webCommand: 'npm start' });
  const refTag = `paas-bench/push-to-live:${nonce}`;
  // The reference build carries no labels (each label is one more build step);
  // its images are removed by id, its containers by label.
  const refImages = new Set<string>();
  defer(async () => {
    const containers = await docker.listContainers({ all: true, filters: { label: [`${REF_LABEL}=push-to-live`] } });
    await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
    for (const id of refImages) await docker.getImage(id).remove({ force: true }).catch(() => undefined);
  });
  const referenceOnce = async (greeting: string) => {
    await setGreeting(greeting);
    const entries: ContextEntry[] = [];
    for (const name of ['package.json', 'server.js', 'greeting.js']) {
      entries.push({ path: `${GENERATED_APP_DIR}${name}`, mode: 'file', content: await readFile(join(source, name)) });
    }
    entries.push({ path: `${GENERATED_PAAS_DIR}Dockerfile`, mode: 'file', content: dockerfile });
    const port = await freePort();
    const t0 = performance.now();
    const stream = await docker.buildImage(packContext(entries) as unknown as NodeJS.ReadableStream, {
      t: refTag, dockerfile: `${GENERATED_PAAS_DIR}Dockerfile`, rm: true, forcerm: true,
    } as Docker.ImageBuildOptions);
    type BuildMessage = { error?: string; aux?: { ID?: string } };
    const messages = await new Promise<BuildMessage[]>((resolve, reject) => docker.modem.followProgress(stream, (err: Error | null, out: BuildMessage[]) => (err ? reject(err) : resolve(out))));
    const failed = messages.find((m) => m.error);
    if (failed) throw new Error(`reference build failed: ${failed.error}`);
    for (const m of messages) if (m.aux?.ID) refImages.add(m.aux.ID);
    const built = performance.now();
    const container = await docker.createContainer({
      Image: refTag,
      Cmd: ['/bin/sh', '-c', 'exec npm start'],
      Env: [`PORT=${port}`],
      Labels: { [REF_LABEL]: 'push-to-live' },
      HostConfig: { NetworkMode: 'host', Init: true },
    });
    try {
      await container.start();
      const live = await pollUntil({
        port, intervalMs: POLL_INTERVAL_MS, deadlineMs: 30_000, agent: false,
        until: (a) => a.status === 200 && a.body.includes(greeting),
      });
      return { liveMs: live.at - t0, buildMs: built - t0 };
    } finally {
      await container.remove({ force: true });
    }
  };

  print('warm-up (not measured): first push and first reference build...');
  await pushOnce(`hello from ${nonce} warm-up`);
  await referenceOnce(`reference ${nonce} warm-up`);

  const paasMs: number[] = [];
  const paasPushMs: number[] = [];
  const refMs: number[] = [];
  const refBuildMs: number[] = [];
  const timelines: Array<Array<[number, string]>> = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const timeline: Array<[number, string]> = [];
    const p = await pushOnce(`hello from ${nonce} round ${round}`, timeline);
    timelines.push(timeline);
    paasMs.push(p.liveMs);
    paasPushMs.push(p.pushMs);
    const r = await referenceOnce(`reference ${nonce} round ${round}`);
    refMs.push(r.liveMs);
    refBuildMs.push(r.buildMs);
    print(`round ${round}: paas v${version} live after ${ms(p.liveMs)} (git push exited after ${ms(p.pushMs)}); reference 200 after ${ms(r.liveMs)} (build ${ms(r.buildMs)})`);
  }

  // What the app's start command costs: the same image started with npm (as
  // paas and the reference do) and with node directly.
  const boot = { npm: [] as number[], node: [] as number[] };
  for (let i = 0; i < 3; i++) {
    boot.npm.push(await bootOnce(docker, refTag, 'exec npm start'));
    boot.node.push(await bootOnce(docker, refTag, 'exec node server.js'));
  }

  // Where a median paas push spends its time, from the "remote:" lines as they arrived.
  const medianRound = paasMs.indexOf([...paasMs].sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!);
  print(`timeline of round ${medianRound + 1} (ms after spawning git push, as the lines reached the client):`);
  for (const [at, line] of timelines[medianRound] ?? []) {
    if (/----->|Step \d+|Released|Releasing|Publishing|ready/i.test(line)) print(`  ${at.toFixed(0).padStart(5)}  ${line.replace(/\s+$/, '').slice(0, 110)}`);
  }

  const p = summarize(paasMs);
  const pp = summarize(paasPushMs);
  const r = summarize(refMs);
  const rb = summarize(refBuildMs);
  const ratio = p.median / r.median;
  print(`paas push to first 200      : ${formatSummary(p)}`);
  print(`paas git push exit          : ${formatSummary(pp)}`);
  print(`reference build+run to 200  : ${formatSummary(r)}`);
  print(`reference docker build only : ${formatSummary(rb)}`);
  print(`ratio paas/reference (medians): ${ratio.toFixed(2)}`);
  print(`container create+start to first 200 of the reference image (side measurement): sh -c "exec npm start" ${formatSummary(summarize(boot.npm))}`);
  print(`                                                              sh -c "exec node server.js" ${formatSummary(summarize(boot.node))}`);
  printVerdicts([
    { name: 'push to live', value: `median ${ms(p.median)} (p95 ${ms(p.p95)}, n=${p.n})`, reference: `docker build+run median ${ms(r.median)} (p95 ${ms(r.p95)}, n=${r.n})`, ratio: ratio.toFixed(2), target: `≤ ${TARGET_MS} ms median`, pass: p.median <= TARGET_MS },
  ]);
  return p.median <= TARGET_MS;
});

/** ms from creating a container of `image` running `command` to its first 200. */
async function bootOnce(docker: Docker, image: string, command: string): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const container = await docker.createContainer({
    Image: image,
    Cmd: ['/bin/sh', '-c', command],
    Env: [`PORT=${port}`],
    Labels: { [REF_LABEL]: 'push-to-live' },
    HostConfig: { NetworkMode: 'host', Init: true },
  });
  try {
    await container.start();
    const live = await pollUntil({ port, intervalMs: POLL_INTERVAL_MS, deadlineMs: 30_000, agent: false, until: (a) => a.status === 200 });
    return live.at - t0;
  } finally {
    await container.remove({ force: true });
  }
}

