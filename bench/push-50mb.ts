/**
 * bench push-50mb: how long paas's git endpoint takes to receive and index a
 * ~50 MB push, against `git http-backend` behind a minimal CGI wrapper on the
 * same machine, both driven by the real `git push` over HTTP.
 *
 * The paas push must stop before any build: the repository has no Dockerfile,
 * package.json, index.html or public/, so paas receives the pack, indexes it
 * in quarantine, reads the tree, finds nothing to build and rejects the ref
 * ("Could not tell how to build this app"). http-backend receives, indexes
 * and accepts. Both are timed as the wall time of the `git push` process.
 *
 * Target (DESIGN.md, Performance targets): paas ≤ 1.2× http-backend.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGitHttpBackend } from './support/git-http-backend.js';
import { runBench } from './support/main.js';
import { startPaas } from './support/paas.js';
import { git, gitEnv, run, type RunResult } from './support/proc.js';
import { formatSummary, ms, print, printHeader, printVerdicts, summarize } from './support/report.js';

const DIRS = 8;
const FILES_PER_DIR = 50;
const FILE_BYTES = 128 * 1024;
const ROUNDS = 9;
const TARGET_RATIO = 1.2;
const PUSH_TIMEOUT_MS = 60_000;
const NOTHING_DETECTED = /Could not tell how to build this app/;

runBench('push-50mb', 180_000, async ({ defer }) => {
  const totalBytes = DIRS * FILES_PER_DIR * FILE_BYTES;
  printHeader('push-50mb', [
    `repository: one commit, ${DIRS * FILES_PER_DIR} files of ${FILE_BYTES / 1024} KiB random bytes (${(totalBytes / 1e6).toFixed(1)} MB, incompressible),`,
    '  no Dockerfile/package.json/index.html, repacked into one pack (git repack -ad) as a cloned repository would be.',
    'timed: wall time of `git push <url> main` (spawn to exit), the same client repository for both servers.',
    'paas: a new app per round; paas receives the pack, indexes it in quarantine, reads the tree and rejects',
    '  "Could not tell how to build this app" before any build (checked on every round), so no build is timed.',
    'reference: git http-backend (CGI, one process per request) behind a minimal Node http wrapper,',
    '  a freshly created bare repository per round (http.receivepack=true, REMOTE_USER set); the push is accepted.',
    `${ROUNDS} rounds after one unmeasured warm-up push to each; the order of the two alternates per round.`,
  ]);

  const work = await mkdtemp(join(tmpdir(), 'paas-bench-push-'));
  defer(() => rm(work, { recursive: true, force: true }));
  const source = join(work, 'source');
  const root = join(work, 'http-backend-root');
  await mkdir(root);
  await makeRepository(source);
  const commit = (await git(source, ['rev-parse', 'HEAD'])).stdout.trim();
  const packSize = (await git(source, ['count-objects', '-v'])).stdout.match(/size-pack: (\d+)/)?.[1];
  print(`client repository: commit ${commit.slice(0, 7)}, pack ${packSize} KiB`);

  const paas = await startPaas();
  defer(() => paas.stop());
  const backend = await startGitHttpBackend(root);
  defer(() => backend.close());

  let appSerial = 0;
  const pushToPaas = async (): Promise<RunResult> => {
    const app = `bench-push-${++appSerial}`;
    await paas.createApp(app);
    const result = await push(source, paas.gitUrl(app));
    if (result.code === 0 || !NOTHING_DETECTED.test(result.stderr)) {
      throw new Error(`paas push to ${app} did not end with "nothing detected" (exit ${result.code}); the method is invalid:\n${result.stderr}`);
    }
    return result;
  };
  let repoSerial = 0;
  const pushToBackend = async (): Promise<RunResult> => {
    const name = `bench-${++repoSerial}.git`;
    const bare = join(root, name);
    await rm(bare, { recursive: true, force: true });
    await git(root, ['init', '-q', '--bare', '-b', 'main', name]);
    await git(bare, ['config', 'http.receivepack', 'true']);
    const result = await push(source, backend.url(name));
    if (result.code !== 0) throw new Error(`push to http-backend failed (exit ${result.code}):\n${result.stderr}`);
    const received = (await git(bare, ['rev-parse', 'refs/heads/main'])).stdout.trim();
    if (received !== commit) throw new Error(`http-backend has main at ${received}, want ${commit}`);
    await rm(bare, { recursive: true, force: true });
    return result;
  };

  print('warm-up (not measured)...');
  await pushToPaas();
  await pushToBackend();

  const paasMs: number[] = [];
  const backendMs: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const order = round % 2 === 1 ? (['paas', 'backend'] as const) : (['backend', 'paas'] as const);
    const line: string[] = [];
    for (const which of order) {
      if (which === 'paas') {
        const r = await pushToPaas();
        paasMs.push(r.ms);
        line.push(`paas ${ms(r.ms)}`);
      } else {
        const r = await pushToBackend();
        backendMs.push(r.ms);
        line.push(`http-backend ${ms(r.ms)}`);
      }
    }
    print(`round ${round}: ${line.join(', ')}`);
  }

  const p = summarize(paasMs);
  const b = summarize(backendMs);
  const ratio = p.median / b.median;
  print(`paas         : ${formatSummary(p)}`);
  print(`http-backend : ${formatSummary(b)}`);
  print(`ratio paas/http-backend (medians): ${ratio.toFixed(2)}`);
  printVerdicts([
    { name: 'push 50 MB', value: `median ${ms(p.median)} (p95 ${ms(p.p95)}, n=${p.n})`, reference: `http-backend median ${ms(b.median)} (p95 ${ms(b.p95)}, n=${b.n})`, ratio: ratio.toFixed(2), target: `≤ ${TARGET_RATIO}×`, pass: ratio <= TARGET_RATIO },
  ]);
  return ratio <= TARGET_RATIO;
});

async function makeRepository(dir: string): Promise<void> {
  for (let d = 0; d < DIRS; d++) {
    const sub = join(dir, `data-${d}`);
    await mkdir(sub, { recursive: true });
    for (let f = 0; f < FILES_PER_DIR; f++) await writeFile(join(sub, `blob-${f}.bin`), randomBytes(FILE_BYTES));
  }
  await writeFile(join(dir, 'notes.txt'), 'benchmark data: nothing here says how to build\n');
  await git(dir, ['init', '-q', '-b', 'main']);
  await git(dir, ['add', '-A']);
  await git(dir, ['commit', '-q', '-m', 'random blobs']);
  await git(dir, ['repack', '-adq']);
}

function push(repo: string, url: string): Promise<RunResult> {
  return run('git', ['push', '--no-verify', url, 'main'], { cwd: repo, env: gitEnv(), timeoutMs: PUSH_TIMEOUT_MS });
}
