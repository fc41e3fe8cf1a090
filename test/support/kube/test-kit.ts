/**
 * Helpers for the double's own tests: a started double with client-node
 * clients for it, polling until a condition holds (bounded), reading a
 * failed call's Status, and small object builders. Not a test file.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import * as k8s from '@kubernetes/client-node';
import { startKubeDouble, type KubeDouble, type KubeDoubleOptions } from './double.js';

export interface Kit {
  kube: KubeDouble;
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  batch: k8s.BatchV1Api;
  discovery: k8s.DiscoveryV1Api;
  authz: k8s.AuthorizationV1Api;
  close(): Promise<void>;
}

export async function startKit(options: KubeDoubleOptions = {}): Promise<Kit> {
  const kube = await startKubeDouble({ probePeriodMs: 100, ...options });
  const kc = new k8s.KubeConfig();
  kc.loadFromString(kube.kubeconfig());
  return {
    kube,
    kc,
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    batch: kc.makeApiClient(k8s.BatchV1Api),
    discovery: kc.makeApiClient(k8s.DiscoveryV1Api),
    authz: kc.makeApiClient(k8s.AuthorizationV1Api),
    close: () => kube.close(),
  };
}

/** Polls until fn returns something truthy; fails with `what` after timeoutMs. */
export async function eventually<T>(what: string, fn: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 10_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface ApiFailure {
  code: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  status: any;
  headers: Record<string, string>;
}

/** The HTTP code and parsed Status of a client-node call that must fail. */
export async function apiError(p: Promise<unknown>): Promise<ApiFailure> {
  try {
    await p;
  } catch (e) {
    const err = e as { code?: number; body?: unknown; headers?: Record<string, string> };
    if (typeof err.code !== 'number') throw e;
    let status = err.body;
    if (typeof status === 'string') {
      try {
        status = JSON.parse(status);
      } catch {
        // keep the text
      }
    }
    return { code: err.code, status, headers: err.headers ?? {} };
  }
  throw new Error('expected the call to fail');
}

export const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
export const jsonPatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch);
export const strategicPatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);
export const applyPatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply);

export interface AppOptions {
  image?: string;
  replicas?: number;
  port?: number;
  readiness?: boolean;
  env?: k8s.V1EnvVar[];
  strategy?: k8s.V1DeploymentStrategy;
  progressDeadlineSeconds?: number;
  minReadySeconds?: number;
  preStopSleep?: number;
  terminationGracePeriodSeconds?: number;
  labels?: Record<string, string>;
}

/** A Deployment of one fake-image container serving on `port`, with an HTTP readiness probe by default. */
export function appDeployment(name: string, o: AppOptions = {}): k8s.V1Deployment {
  const port = o.port ?? 8080;
  const labels = { app: name, ...(o.labels ?? {}) };
  const container: k8s.V1Container = {
    name: 'web',
    image: o.image ?? 'fake.paas.test/web:1',
    ports: [{ name: 'http', containerPort: port }],
    env: o.env,
  };
  if (o.readiness !== false) container.readinessProbe = { httpGet: { path: '/healthz', port: 'http' } };
  if (o.preStopSleep) container.lifecycle = { preStop: { sleep: { seconds: o.preStopSleep } } };
  return {
    metadata: { name, labels: { app: name } },
    spec: {
      replicas: o.replicas ?? 1,
      selector: { matchLabels: { app: name } },
      strategy: o.strategy,
      progressDeadlineSeconds: o.progressDeadlineSeconds,
      minReadySeconds: o.minReadySeconds,
      template: { metadata: { labels }, spec: { containers: [container], terminationGracePeriodSeconds: o.terminationGracePeriodSeconds } },
    },
  };
}

export async function createNamespace(kit: Kit, name: string): Promise<void> {
  await kit.core.createNamespace({ body: { metadata: { name } } });
  await eventually(`default ServiceAccount in ${name}`, () => kit.kube.get('serviceaccounts', name, 'default'));
}

/** A request to the double with its token and CA, for what client-node cannot express; the body is parsed when it is JSON. */
export function raw(kube: KubeDouble, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Record<string, string | string[] | undefined>; text: string }> {
  const url = new URL(path, kube.url);
  const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const h: Record<string, string> = { Authorization: `Bearer ${kube.token}`, ...headers };
  if (data !== undefined) h['Content-Type'] ??= 'application/json';
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method, headers: h, ca: kube.caCert }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, headers: res.headers, text });
      });
    });
    req.on('error', reject);
    if (data !== undefined) req.write(data);
    req.end();
  });
}

/** client-node returns class instances; compare their JSON. */
export function plain<T>(value: T): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** The promise's value, or a rejection after ms (the timer is cleared either way, so it never holds the process). */
export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms}ms: ${what}`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
