/**
 * The checks behind probes and lifecycle hooks (pkg/probe/http, pkg/probe/tcp,
 * pkg/kubelet/prober/prober.go): an HTTP GET to the pod IP (or `host`)
 * with the kubelet's User-Agent "kube-probe/<major>.<minor>" where any
 * status from 200 to 399 is success; a TCP connect; exec only where the
 * runtime can exec (Docker), otherwise an error saying the double cannot.
 * Named ports are looked up among the container's ports.
 */
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { Obj } from '../lib/json.js';
import type { RunningContainer } from '../runners/runner.js';

export type CheckResult = { ok: true; output?: string } | { ok: false; error: string; unsupported?: boolean };

export function resolvePort(container: Obj, port: unknown): number | undefined {
  if (typeof port === 'number') return port;
  const found = ((container.ports ?? []) as Obj[]).find((p) => p.name === port);
  return found?.containerPort;
}

export function httpGet(action: Obj, container: Obj, podIP: string, timeoutMs: number): Promise<CheckResult> {
  const port = resolvePort(container, action.port);
  if (!port) return Promise.resolve({ ok: false, error: `unable to find port "${String(action.port)}" in container ${container.name}` });
  const host = action.host || podIP;
  const scheme = String(action.scheme ?? 'HTTP').toLowerCase();
  const url = `${scheme}://${host}:${port}${action.path ?? '/'}`;
  const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.33', Accept: '*/*', Connection: 'close' };
  for (const h of (action.httpHeaders ?? []) as Obj[]) headers[h.name] = h.value;
  return new Promise((resolve) => {
    const req = (scheme === 'https' ? httpsRequest : request)(url, { method: 'GET', headers, timeout: timeoutMs, rejectUnauthorized: false }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      if (code >= 200 && code < 400) resolve({ ok: true });
      else resolve({ ok: false, error: `HTTP probe failed with statuscode: ${code}` });
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({ ok: false, error: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
    });
    req.on('error', (e) => {
      const code = (e as NodeJS.ErrnoException).code;
      const text = code === 'ECONNREFUSED' ? 'connect: connection refused' : e.message;
      resolve({ ok: false, error: `Get "${url}": dial tcp ${host}:${port}: ${text}` });
    });
    req.end();
  });
}

export function tcpSocket(action: Obj, container: Obj, podIP: string, timeoutMs: number): Promise<CheckResult> {
  const port = resolvePort(container, action.port);
  const host = action.host || podIP;
  if (!port) return Promise.resolve({ ok: false, error: `unable to find port "${String(action.port)}" in container ${container.name}` });
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve({ ok: true });
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve({ ok: false, error: `dial tcp ${host}:${port}: i/o timeout` });
    });
    socket.once('error', (e) => {
      const code = (e as NodeJS.ErrnoException).code;
      resolve({ ok: false, error: `dial tcp ${host}:${port}: ${code === 'ECONNREFUSED' ? 'connect: connection refused' : e.message}` });
    });
  });
}

export async function execIn(action: Obj, instance: RunningContainer | undefined, timeoutMs: number): Promise<CheckResult> {
  if (!instance?.exec) return { ok: false, unsupported: true, error: 'exec actions are not supported by the Kubernetes API double for fake images (no process to exec in)' };
  try {
    const r = await instance.exec(action.command ?? [], timeoutMs);
    return r.exitCode === 0 ? { ok: true, output: r.output } : { ok: false, error: `command ${JSON.stringify((action.command ?? []).join(' '))} exited with ${r.exitCode}: ${r.output}` };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** Runs whichever handler the probe or hook has. */
export function runHandler(handler: Obj, container: Obj, podIP: string, timeoutMs: number, instance: RunningContainer | undefined): Promise<CheckResult> {
  if (handler.httpGet) return httpGet(handler.httpGet, container, podIP, timeoutMs);
  if (handler.tcpSocket) return tcpSocket(handler.tcpSocket, container, podIP, timeoutMs);
  if (handler.exec) return execIn(handler.exec, instance, timeoutMs);
  if (handler.grpc) return Promise.resolve({ ok: false, unsupported: true, error: 'grpc probes are not supported by the Kubernetes API double' });
  return Promise.resolve({ ok: false, error: 'no handler' });
}
