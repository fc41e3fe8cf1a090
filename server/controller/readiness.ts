/**
 * Readiness: an instance may get traffic once it answers. With a health
 * check path that is an HTTP GET answering 2xx/3xx; without one, a TCP
 * connect to its port. Checks repeat until a deadline; an instance that
 * exits meanwhile fails at once instead of waiting out the deadline.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import type { Endpoint } from '../runtime/runtime.js';

const PROBE_TIMEOUT_MS = 1000;
const INTERVAL_MS = 50;

export type ProbeResult = { ok: true } | { ok: false; reason: string };

export function probeOnce(endpoint: Endpoint, path: string | null): Promise<ProbeResult> {
  return new Promise((resolve) => {
    if (path === null) {
      const socket = connect({ host: endpoint.host, port: endpoint.port });
      socket.setTimeout(PROBE_TIMEOUT_MS, () => socket.destroy(new Error('timed out')));
      socket.once('connect', () => {
        socket.destroy();
        resolve({ ok: true });
      });
      socket.once('error', (err) => resolve({ ok: false, reason: `TCP connect to port ${endpoint.port}: ${err.message}` }));
      return;
    }
    const req = request({ host: endpoint.host, port: endpoint.port, path, method: 'GET', timeout: PROBE_TIMEOUT_MS, agent: false, headers: { 'user-agent': 'paas-readiness' } }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      resolve(status >= 200 && status < 400 ? { ok: true } : { ok: false, reason: `GET ${path} answered ${status}` });
    });
    req.once('timeout', () => req.destroy(new Error('timed out')));
    req.once('error', (err) => resolve({ ok: false, reason: `GET ${path} on port ${endpoint.port}: ${err.message}` }));
    req.end();
  });
}

export interface WaitReadyOptions {
  endpoint: Endpoint;
  path: string | null;
  deadline: number;
  now: () => number;
  /** Returns a reason when the instance is gone or crashed, so waiting stops early. */
  isDead: () => Promise<string | undefined>;
  signal?: AbortSignal;
}

export async function waitReady(options: WaitReadyOptions): Promise<ProbeResult> {
  let last: ProbeResult = { ok: false, reason: 'not checked yet' };
  let round = 0;
  while (options.now() < options.deadline && !options.signal?.aborted) {
    last = await probeOnce(options.endpoint, options.path);
    if (last.ok) return last;
    // Asking the runtime costs more than a probe: every few rounds is enough.
    if (round++ % 5 === 4) {
      const dead = await options.isDead();
      if (dead) return { ok: false, reason: dead };
    }
    await new Promise((r) => setTimeout(r, INTERVAL_MS));
  }
  return { ok: false, reason: `not ready within the deadline (last check: ${last.ok ? 'ok' : last.reason})` };
}
