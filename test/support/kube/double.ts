/**
 * The Kubernetes API double: an HTTP(S) server on 127.0.0.1 that speaks
 * the Kubernetes REST protocol (discovery, CRUD, patch, watch, Status
 * errors, RBAC) for the kinds in kinds/, plays the controllers, scheduler
 * and kubelet well enough for a driver to deploy, roll out, scale, probe
 * and read logs, and is reached through an ordinary kubeconfig, so product
 * code talks to it exactly as to a real cluster (DESIGN.md decision 10).
 * Anything it does not implement answers 404/405/415 with a Status body
 * rather than pretending.
 *
 *   const kube = await startKubeDouble();
 *   const kc = new KubeConfig(); kc.loadFromString(kube.kubeconfig());
 *   ...
 *   await kube.close();
 */
import type { Server } from 'node:http';
import { writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type Dockerode from 'dockerode';
import { ClusterIPAllocator, NodePortAllocator } from './allocators.js';
import { ApiServer } from './apiserver/api-server.js';
import { Authorizer, type PolicyRule } from './auth/rbac.js';
import { deploymentController } from './controllers/deployment/controller.js';
import { EventRecorder } from './controllers/events.js';
import { garbageCollector } from './controllers/garbage-collector.js';
import { jobController } from './controllers/job.js';
import { ControllerManager } from './controllers/manager.js';
import { namespaceController } from './controllers/namespace.js';
import { replicaSetController } from './controllers/replicaset.js';
import { schedulerController, type NodeCapacity } from './controllers/scheduler.js';
import { endpointSliceController } from './controllers/endpointslice.js';
import { FailureQueue, type FailureSpec } from './faults.js';
import { createApiServer, type RecordedRequest } from './http/server.js';
import { WatchHub, type WatchMatch } from './http/watch.js';
import { builtinKinds } from './kinds/index.js';
import { keyOfKind, Registry, type KindContext, type KindDef } from './kinds/kind.js';
import { kubeconfigYaml, writeInClusterFiles } from './kubeconfig.js';
import { type BackoffSettings } from './kubelet/backoff.js';
import { loopbackPool } from './kubelet/ip-pool.js';
import { Kubelet } from './kubelet/kubelet.js';
import type { Obj } from './lib/json.js';
import { randomHex } from './lib/random.js';
import { Timers } from './lib/timers.js';
import { DockerRunner } from './runners/docker.js';
import { createDockerNetwork } from './runners/docker-network.js';
import { FakeRunner } from './runners/fake.js';
import { Store } from './store/store.js';
import { makeServingCertificate } from './tls.js';

export type { PolicyRule } from './auth/rbac.js';
export type { FailureSpec } from './faults.js';
export type { RecordedRequest } from './http/server.js';
export type { WatchMatch } from './http/watch.js';

export interface KubeDoubleOptions {
  /** HTTPS with a CA made at start (default); false serves plain HTTP. */
  tls?: boolean;
  /** The bearer token clients must send (default: a random one). */
  token?: string;
  /** The user that token authenticates as, as RBAC messages name it. */
  user?: string;
  /** RBAC rules granted to that user; default: everything (cluster-admin). */
  rules?: PolicyRule[];
  /** When given, pods with images not under fake.paas.test/ run as Docker containers. */
  docker?: Dockerode;
  /** Overrides every probe's periodSeconds (fast readiness in tests). */
  probePeriodMs?: number;
  /** How often watches with allowWatchBookmarks get a BOOKMARK (default 60 s, as the apiserver). */
  bookmarkIntervalMs?: number;
  /** Watch events kept for resuming; older resourceVersions get 410 (default 10000). */
  historyLimit?: number;
  /** The one node's allocatable resources (default 64 CPUs, 256Gi, 110 pods). */
  nodeCapacity?: NodeCapacity;
  /** Minimum time a deleted namespace stays Terminating (default 200 ms). */
  namespaceTerminationMs?: number;
  /** Restart and image-pull back-off (default 500 ms doubling to 4 s; upstream 10 s to 300 s). */
  backoff?: Partial<BackoffSettings>;
  log?: (line: string) => void;
}

export interface KubeDoubleFaults {
  /** Cuts current watch connections abruptly (no final chunk). */
  dropWatches(match?: WatchMatch): void;
  /** Ends current watch connections cleanly, as a server-side timeout does. */
  endWatches(match?: WatchMatch): void;
  /** Current watch connections stay open but send nothing (not even bookmarks) until resumeWatches(); events are then delivered late. */
  stallWatches(match?: WatchMatch): void;
  resumeWatches(): void;
  /** Forgets watch history and list snapshots: resuming from an older resourceVersion gets 410. */
  compact(): void;
  /** The next `times` (default 1) matching requests fail with this status and a Status body. */
  failNext(spec: FailureSpec): void;
  /** Delays every response by ms (0 turns it off). */
  latency(ms: number): void;
}

export interface KubeDouble {
  /** https://127.0.0.1:PORT (or http:// without TLS). */
  url: string;
  token: string;
  /** PEM of the CA that signed the serving certificate (undefined without TLS). */
  caCert?: string;
  kubeconfig(): string;
  writeKubeconfig(path: string): Promise<void>;
  /** token, ca.crt and namespace under <dir>/var/run/secrets/kubernetes.io/serviceaccount, for KubeConfig.loadFromCluster(dir). */
  writeInClusterFiles(dir: string, namespace?: string): Promise<{ host: string; port: string }>;
  /** Direct reads for assertions (no HTTP, no RBAC, no recording): get('deployments', 'ns', 'name'). */
  get(resource: string, namespace: string | undefined, name: string): Obj | undefined;
  list(resource: string, namespace?: string): Obj[];
  /** Registers another kind (e.g. a CRD-like HTTPRoute with its own validator). */
  registerKind(kind: KindDef): void;
  faults: KubeDoubleFaults;
  /** Every authenticated request as RBAC saw it. */
  requests: RecordedRequest[];
  clearRequests(): void;
  close(): Promise<void>;
}

export async function startKubeDouble(options: KubeDoubleOptions = {}): Promise<KubeDouble> {
  const log = options.log ?? (() => {});
  const useTls = options.tls ?? true;
  const tls = useTls ? await makeServingCertificate() : undefined;
  const token = options.token ?? randomHex(24);
  const timers = new Timers();
  const store = new Store(options.historyLimit ?? 10_000);
  const registry = new Registry(builtinKinds());
  const clusterIPs = new ClusterIPAllocator();
  const nodePorts = new NodePortAllocator();
  const kindCtx: KindContext = {
    now: () => Date.now(),
    store,
    registry,
    allocateClusterIP: (requested) => clusterIPs.allocate(requested),
    releaseClusterIP: (ip) => clusterIPs.release(ip),
    allocateNodePort: () => nodePorts.allocate(),
  };
  const api = new ApiServer(store, registry, kindCtx);
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) api.create(api.kind('namespaces'), undefined, { metadata: { name: ns } });
  api.create(api.kind('services'), 'default', {
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] },
  });

  const events = new EventRecorder(api, () => Date.now());
  const capacity: NodeCapacity = options.nodeCapacity ?? { cpu: '64', memory: '256Gi', pods: 110 };
  const backoff: BackoffSettings = { initialMs: options.backoff?.initialMs ?? 500, maxMs: options.backoff?.maxMs ?? 4000 };
  const controllerCtx = { api, store, timers, events, now: () => Date.now(), log };
  const manager = new ControllerManager(controllerCtx);
  manager.add('namespace', (ctx, q) => namespaceController(ctx, q, { terminationMs: options.namespaceTerminationMs ?? 200, caCert: tls?.caCert ?? '' }));
  manager.add('garbage-collector', garbageCollector);
  manager.add('deployment', deploymentController);
  manager.add('replicaset', replicaSetController);
  manager.add('scheduler', (ctx, q) => schedulerController(ctx, q, capacity));
  manager.add('endpointslice', endpointSliceController);
  manager.add('job', jobController);

  const doubleId = randomHex(4);
  const dockerRunner = options.docker ? new DockerRunner(options.docker, await createDockerNetwork(options.docker, doubleId), doubleId) : undefined;
  const kubelet = new Kubelet(
    { api, events, timers, backoff, probePeriodMs: options.probePeriodMs, node: { cpu: capacity.cpu, memory: capacity.memory }, log },
    { fake: new FakeRunner(loopbackPool(), timers, options.docker !== undefined), docker: dockerRunner },
  );

  const failures = new FailureQueue();
  const hub = new WatchHub();
  const requests: RecordedRequest[] = [];
  let latencyMs = 0;
  let address = '';
  const authorizer = new Authorizer(options.rules, options.user ?? 'system:serviceaccount:paas:paas');
  const server: Server = createApiServer(
    {
      api,
      hub,
      timers,
      bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
      logs: kubelet,
      authorize: (attrs) => {
        const a = attrs.resourceAttributes ?? {};
        const n = attrs.nonResourceAttributes;
        return authorizer.authorize({
          user: authorizer.user,
          verb: String((n ?? a).verb ?? ''),
          resourceRequest: !n,
          apiGroup: String(a.group ?? ''),
          apiVersion: String(a.version ?? ''),
          resource: String(a.resource ?? ''),
          subresource: String(a.subresource ?? ''),
          namespace: String(a.namespace ?? ''),
          name: String(a.name ?? ''),
          path: String(n?.path ?? ''),
        });
      },
      registry,
      token,
      authorizer,
      failures,
      latencyMs: () => latencyMs,
      record: (r) => requests.push(r),
      log,
      serverAddress: () => address,
    },
    tls ? { key: tls.key, cert: tls.cert } : undefined,
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  address = `127.0.0.1:${port}`;
  const url = `${useTls ? 'https' : 'http'}://${address}`;
  manager.start();
  kubelet.start();

  const access = { server: url, token, caCert: tls?.caCert };
  let closed = false;
  return {
    url,
    token,
    caCert: tls?.caCert,
    kubeconfig: () => kubeconfigYaml(access),
    writeKubeconfig: (path) => writeFile(path, kubeconfigYaml(access)),
    writeInClusterFiles: (dir, namespace) => writeInClusterFiles(dir, { ...access, namespace }),
    get(resource, namespace, name) {
      const k = api.kind(resource);
      const o = store.get(keyOfKind(k), k.namespaced ? namespace : undefined, name);
      return o ? api.encode(k, o) : undefined;
    },
    list(resource, namespace) {
      const k = api.kind(resource);
      return store.list(keyOfKind(k), k.namespaced ? namespace : undefined).map((o) => api.encode(k, o));
    },
    registerKind: (kind) => registry.register(kind),
    faults: {
      dropWatches: (m) => hub.drop(m),
      endWatches: (m) => hub.end(m),
      stallWatches: (m) => hub.stall(m),
      resumeWatches: () => hub.resume(),
      compact: () => {
        store.compact();
        api.lister.compact();
      },
      failNext: (spec) => failures.add(spec),
      latency: (ms) => {
        latencyMs = ms;
      },
    },
    requests,
    clearRequests: () => {
      requests.length = 0;
    },
    async close() {
      if (closed) return;
      closed = true;
      hub.drop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      manager.close();
      await kubelet.close();
      timers.close();
    },
  };
}
