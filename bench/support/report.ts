/**
 * What every benchmark prints: the machine it ran on, the method, the
 * samples summarised (median, p95, n) and the ratio against the reference
 * measured in the same run. Percentiles use the nearest-rank method
 * (the smallest sample with at least p% of samples at or below it), so a
 * p95 of 5 samples is the largest one: no interpolation invents a value
 * that was never measured.
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release as osRelease, totalmem } from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  docker: string;
  git: string;
}

function versionOf(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unavailable';
  }
}

export function describeMachine(): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: `Linux ${osRelease()}`,
    node: process.version,
    docker: versionOf('docker', ['version', '--format', 'engine {{.Server.Version}}, API {{.Server.APIVersion}}']),
    git: versionOf('git', ['--version']),
  };
}

export interface Summary {
  n: number;
  median: number;
  p95: number;
  min: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of already sorted samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const mid = Math.floor(n / 2);
  const median = n === 0 ? Number.NaN : n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return {
    n,
    median,
    p95: percentile(sorted, 95),
    min: sorted[0] ?? Number.NaN,
    max: sorted[n - 1] ?? Number.NaN,
    mean: n === 0 ? Number.NaN : sorted.reduce((a, b) => a + b, 0) / n,
  };
}

export function ms(value: number): string {
  return Number.isFinite(value) ? `${value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0)} ms` : 'n/a';
}

export function formatSummary(s: Summary, unit: (v: number) => string = ms): string {
  return `median ${unit(s.median)}, p95 ${unit(s.p95)}, min ${unit(s.min)}, max ${unit(s.max)}, n=${s.n}`;
}

export function printHeader(name: string, method: string[]): void {
  const m = describeMachine();
  const lines = [
    `== bench ${name} (${new Date().toISOString()})`,
    `machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.kernel}`,
    `         node ${m.node}, docker ${m.docker}, ${m.git}`,
    `         load average at start ${loadavg().map((l) => l.toFixed(2)).join(' ')} (1/5/15 min; other work on the machine skews results)`,
    'method:',
    ...method.map((line) => `  ${line}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

export interface Verdict {
  name: string;
  value: string;
  reference?: string;
  ratio?: string;
  target: string;
  pass: boolean;
}

/** The last lines of every benchmark: one line per target, PASS or MISS. */
export function printVerdicts(verdicts: Verdict[]): void {
  print(`load average at end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  print('results:');
  for (const v of verdicts) {
    const parts = [`${v.name}: ${v.value}`];
    if (v.reference !== undefined) parts.push(`reference ${v.reference}`);
    if (v.ratio !== undefined) parts.push(`ratio ${v.ratio}`);
    parts.push(`target ${v.target}`);
    parts.push(v.pass ? 'PASS' : 'MISS');
    print(`  ${parts.join(' | ')}`);
  }
}
