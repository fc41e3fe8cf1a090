/**
 * One readiness check, as kubelet makes it (pkg/kubelet/prober): with a
 * health check path an HTTP GET answering 2xx/3xx, without one a TCP connect
 * to the port. Used by drivers that probe themselves (Docker); on Kubernetes
 * kubelet runs the same check from the pod's readinessProbe.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import type { Endpoint } from './runtime.js';

const PROBE_TIMEOUT_MS = 1000;

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
