/**
 * What a fake image does, decided from its name and the container's
 * command (pure). Markers in the image reference after fake.paas.test/:
 * `crashloop` (prints "crashing: <image>" to stderr, exits 1 at once),
 * `never-ready` (runs, never listens), `slow-start` (listens after 1.5 s),
 * `pull-fails` (the pull itself fails). A command such as
 * ["/bin/sh", "-c", CMD] is read as a tiny script of steps joined by `&&`
 * or `;`: `exit N` (prints "exit N", exits N), `echo TEXT`, `sleep N`;
 * any other step serves HTTP in a long-running pod (restartPolicy Always)
 * and prints "ran: STEP" in a run-to-completion pod.
 */

export type Step = { op: 'exit'; code: number } | { op: 'echo'; text: string } | { op: 'sleep'; seconds: number } | { op: 'ran'; text: string } | { op: 'serve' };

export type FakeProgram =
  | { kind: 'serve'; listenAfterMs: number | 'never' }
  | { kind: 'crash' }
  | { kind: 'script'; steps: { step: Step; and: boolean }[] };

export const FakeMarker = {
  crashloop: 'crashloop',
  neverReady: 'never-ready',
  slowStart: 'slow-start',
  pullFails: 'pull-fails',
} as const;

export const SLOW_START_MS = 1500;

function unquote(s: string): string {
  const t = s.trim();
  if (t.length >= 2 && ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'")))) return t.slice(1, -1);
  return t;
}

function parseStep(text: string, longRunning: boolean): Step {
  const t = text.trim();
  let m = /^exit(?:\s+(-?\d+))?$/.exec(t);
  if (m) return { op: 'exit', code: Number(m[1] ?? 0) & 0xff };
  m = /^echo(?:\s+([\s\S]*))?$/.exec(t);
  if (m) return { op: 'echo', text: unquote(m[1] ?? '') };
  m = /^sleep\s+(\d+(?:\.\d+)?)$/.exec(t);
  if (m) return { op: 'sleep', seconds: Number(m[1]) };
  return longRunning ? { op: 'serve' } : { op: 'ran', text: t };
}

/** Splits on `&&` and `;` outside quotes; `and` tells whether the step only runs after a success. */
function splitScript(script: string): { text: string; and: boolean }[] {
  const out: { text: string; and: boolean }[] = [];
  let cur = '';
  let quote = '';
  let nextAnd = false;
  for (let i = 0; i < script.length; i++) {
    const ch = script[i] ?? '';
    if (quote) {
      if (ch === quote) quote = '';
      cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      cur += ch;
    } else if (ch === ';' || (ch === '&' && script[i + 1] === '&')) {
      if (cur.trim()) out.push({ text: cur, and: nextAnd });
      nextAnd = ch === '&';
      if (ch === '&') i++;
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push({ text: cur, and: nextAnd });
  return out;
}

export function fakeProgram(image: string, command: string[] | undefined, args: string[] | undefined, restartPolicy: string): FakeProgram {
  const name = image.slice(image.indexOf('/') + 1);
  if (name.includes(FakeMarker.crashloop)) return { kind: 'crash' };
  const argv = [...(command ?? []), ...(args ?? [])];
  const serve: FakeProgram = { kind: 'serve', listenAfterMs: name.includes(FakeMarker.neverReady) ? 'never' : name.includes(FakeMarker.slowStart) ? SLOW_START_MS : 0 };
  if (argv.length === 0) return serve;
  const shell = (argv[0] === '/bin/sh' || argv[0] === 'sh' || argv[0] === '/bin/bash' || argv[0] === 'bash') && argv[1] === '-c';
  const script = shell ? argv.slice(2).join(' ') : argv.join(' ');
  const longRunning = restartPolicy === 'Always';
  const steps = splitScript(script).map(({ text, and }) => ({ step: parseStep(text, longRunning), and }));
  if (steps.length === 1 && steps[0]?.step.op === 'serve') return serve;
  return { kind: 'script', steps };
}
