/**
 * HTTP to 127.0.0.1 for benchmarks: one GET with its status, headers and
 * body, and a bounded poller that repeats a GET every few milliseconds until
 * an answer passes a check.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface GetOptions {
  port: number;
  /** Host header, e.g. "web.localhost". */
  host?: string;
  path?: string;
  agent?: http.Agent | false;
  timeoutMs?: number;
}

export function get(options: GetOptions): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: options.port,
        path: options.path ?? '/',
        method: 'GET',
        agent: options.agent ?? false,
        headers: options.host ? { host: options.host } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.setTimeout(options.timeoutMs ?? 5000, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

export interface PollOptions extends GetOptions {
  until: (answer: Answer) => boolean;
  intervalMs: number;
  /** Gives up after this long (the count of attempts is bounded by it too). */
  deadlineMs: number;
  /** Stops early when set (e.g. the push failed). */
  stop?: () => boolean;
}

/** ms (performance.now clock) when the first passing answer arrived; throws on deadline. */
export async function pollUntil(options: PollOptions): Promise<{ at: number; answer: Answer; attempts: number }> {
  const started = performance.now();
  const maxAttempts = Math.ceil(options.deadlineMs / options.intervalMs) + 1;
  let last = 'no answer yet';
  for (let attempt = 1; attempt <= maxAttempts && performance.now() - started < options.deadlineMs; attempt++) {
    if (options.stop?.()) throw new Error(`polling stopped (last: ${last})`);
    try {
      const answer = await get(options);
      if (options.until(answer)) return { at: performance.now(), answer, attempts: attempt };
      last = `${answer.status} ${String(answer.headers['x-paas-release'] ?? '')} ${answer.body.slice(0, 80).trim()}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
  throw new Error(`no passing answer from 127.0.0.1:${options.port} within ${options.deadlineMs} ms (last: ${last})`);
}
