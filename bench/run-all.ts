/**
 * Runs the benchmarks one after another (never in parallel: they would skew
 * each other), each as its own process, and prints every verdict line at the
 * end. `--save` also keeps each run's full output in bench/results/<name>.txt,
 * which bench/README.md quotes.
 *
 *   node dist/bench/run-all.js [--save] [push-50mb push-to-live rollback rollback-kubernetes router scale]
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from './support/paas.js';

const ALL = ['push-50mb', 'push-to-live', 'rollback', 'rollback-kubernetes', 'router', 'scale'] as const;
/** Benchmarks that are one script run with an argument. */
const VARIANTS: Record<string, [string, string[]]> = { 'rollback-kubernetes': ['rollback', ['kubernetes']] };
const HERE = fileURLToPath(new URL('.', import.meta.url));

const args = process.argv.slice(2);
const save = args.includes('--save');
const chosen = args.filter((a) => !a.startsWith('--'));
const unknown = chosen.filter((name) => !(ALL as readonly string[]).includes(name));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${ALL.join(', ')}\n`);
  process.exit(2);
}
const names = chosen.length > 0 ? chosen : [...ALL];

const verdicts: string[] = [];
let worst = 0;
for (const name of names) {
  const { code, output } = await runOne(name);
  worst = Math.max(worst, code ?? 2);
  const results = output.split('\n').filter((line) => /\| (PASS|MISS)$/.test(line));
  verdicts.push(...(results.length > 0 ? results.map((l) => `${name}: ${l.trim()}`) : [`${name}: no result (exit ${code})`]));
  if (save) {
    const dir = join(REPO_ROOT, 'bench', 'results');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${name}.txt`), output);
  }
}
process.stdout.write(`\n== summary\n${verdicts.join('\n')}\n`);
process.exit(worst);

function runOne(name: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const [script, extra] = VARIANTS[name] ?? [name, []];
    const child = spawn(process.execPath, [join(HERE, `${script}.js`), ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (stream: NodeJS.WriteStream) => (chunk: Buffer) => {
      output += chunk.toString();
      stream.write(chunk);
    };
    child.stdout.on('data', keep(process.stdout));
    child.stderr.on('data', keep(process.stderr));
    // Every benchmark bounds itself; this is the backstop.
    const timer = setTimeout(() => child.kill('SIGTERM'), name === 'scale' ? 1_300_000 : 300_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
