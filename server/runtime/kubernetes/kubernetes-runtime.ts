/**
 * The Kubernetes runtime driver (DESIGN.md decisions 2, 4, 10). An app is a
 * namespace; an instance set a Deployment (with a Service for web sets);
 * a release's config an immutable Secret; the release phase a Job; the
 * stable Service `<app>` selects the live release, so a rollback to a warm
 * release patches one selector. Kubernetes' own controllers keep sets at
 * their replicas, kubelet probes readiness and restarts, EndpointSlices say
 * which pods take traffic; the driver writes objects and watches them
 * (reflector.ts) into a cache (kube-cache.ts) that `observe` reads.
 *
 * Objects carry the labels of names.ts, so a restarted server adopts
 * everything from the API server alone; nothing without them is touched.
 * Every call sends a fixed field manager and strict field validation, and
 * every failure is translated at this edge (kube-errors.ts).
 */
import type { V1Deployment, V1EndpointSlice, V1Pod } from '@kubernetes/client-node';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { PaasError } from '../../errors.js';
import type {
  ChangeListener, InstanceFilter, InstanceSetSpec, LogLine, LogOptions, OneOffSpec, RunOnceOptions, RunOnceResult, Runtime, SetKey,
} from '../runtime.js';
import { KubeCache } from './kube-cache.js';
import type { KubeClients } from './kube-clients.js';
import { isConflict, isNotFound, translateKubeError } from './kube-errors.js';
import { ANNOTATIONS, LABELS, WEB_PROCESS, deploymentName, managedSelector, namespaceName, secretName, serviceName, stableServiceName } from './names.js';
import { checkPermissions } from './permissions.js';
import { streamPodLogs } from './pod-logs.js';
import { Reflector, type EventType } from './reflector.js';
import { runReleaseJob } from './release-job.js';
import {
  PULL_SECRET_NAME, makeConfigSecret, makeDeployment, makeNamespace, makePullSecret, makeReleaseJob, makeSetService, makeStableService, type KubeSettings,
} from './resources.js';
import { withRetry } from './retry.js';

export interface KubernetesRuntimeOptions {
  clients: KubeClients;
  settings: Omit<KubeSettings, 'pullSecret'>;
  /** A registry credential (`.dockerconfigjson` content) copied into every app namespace. */
  pullSecretJson?: string;
  /** Each watch is closed by the server after this; default 300. */
  watchTimeoutSeconds?: number;
  /** A watch silent this long is reconnected; default watchTimeoutSeconds + 30 s. */
  watchStallMs?: number;
  /** Ask the API server for every permission at start (default true). */
  checkPermissions?: boolean;
  log?: (line: string) => void;
}

const FIELD_MANAGER = 'paas';
const WRITE = { fieldManager: FIELD_MANAGER, fieldValidation: 'Strict' } as const;
const MERGE = () => setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export function createKubernetesRuntime(options: KubernetesRuntimeOptions): Runtime {
  const { clients } = options;
  const settings: KubeSettings = { ...options.settings, ...(options.pullSecretJson ? { pullSecret: PULL_SECRET_NAME } : {}) };
  const log = options.log ?? (() => undefined);
  const cache = new KubeCache();
  const listeners = new Set<ChangeListener>();
  const podListeners = new Set<() => void>();
  const ensured = new Set<string>();
  const live = new Map<string, number>();
  const selector = managedSelector(settings.installation);
  const ns = (app: string) => namespaceName(settings.namespacePrefix, app);

  const notify = (app: string | undefined) => {
    if (app === undefined) return;
    for (const listener of listeners) listener(app);
  };
  const reflect = <T extends { metadata?: { labels?: Record<string, string> } }>(resource: string, path: string, list: () => Promise<{ items: T[] }>, record: (type: EventType, object: T) => string | undefined, after?: () => void) =>
    new Reflector<T & { metadata?: { name?: string } }>({
      resource, path, labelSelector: selector, watch: clients.watch, log,
      list: list as never,
      ...(options.watchTimeoutSeconds !== undefined ? { timeoutSeconds: options.watchTimeoutSeconds } : {}),
      ...(options.watchStallMs !== undefined ? { stallMs: options.watchStallMs } : {}),
      onEvent(type, object) {
        notify(record(type, object));
        after?.();
      },
    });
  const reflectors = [
    reflect<V1Deployment>('deployments', '/apis/apps/v1/deployments', () => clients.apps.listDeploymentForAllNamespaces({ labelSelector: selector }), (t, o) => cache.deployment(t, o)),
    reflect<V1Pod>('pods', '/api/v1/pods', () => clients.core.listPodForAllNamespaces({ labelSelector: selector }), (t, o) => cache.pod(t, o), () => {
      for (const listener of podListeners) listener();
    }),
    reflect<V1EndpointSlice>('endpointslices', '/apis/discovery.k8s.io/v1/endpointslices', () => clients.discovery.listEndpointSliceForAllNamespaces({ labelSelector: selector }), (t, o) => cache.slice(t, o)),
  ];

  const call = <T>(action: string, request: () => Promise<T>, secrets: readonly string[] = []): Promise<T> =>
    withRetry(request).catch((err: unknown) => {
      throw translateKubeError(err, { action, secrets });
    });

  /** Creates an object; one that already exists is fine (another server, a retry). */
  const create = async (action: string, request: () => Promise<unknown>, secrets: readonly string[] = []): Promise<void> => {
    try {
      await withRetry(request);
    } catch (err) {
      if (!isConflict(err)) throw translateKubeError(err, { action, secrets });
    }
  };

  async function ensureApp(app: string): Promise<void> {
    if (ensured.has(app)) return;
    const namespace = ns(app);
    try {
      await withRetry(() => clients.core.createNamespace({ body: makeNamespace(app, settings), ...WRITE }));
    } catch (err) {
      if (!isConflict(err)) throw translateKubeError(err, { action: `create namespace ${namespace}` });
      const existing = await call(`read namespace ${namespace}`, () => clients.core.readNamespace({ name: namespace }));
      if (existing.metadata?.deletionTimestamp || existing.status?.phase === 'Terminating') {
        throw new PaasError('UNAVAILABLE', `Namespace ${namespace} is still being deleted (an app of the same name was destroyed)`, { hint: 'Try again in a few seconds.' });
      }
    }
    if (options.pullSecretJson) {
      const secret = makePullSecret(app, options.pullSecretJson, settings);
      await create(`create Secret ${PULL_SECRET_NAME} in ${namespace}`, () => clients.core.createNamespacedSecret({ namespace, body: secret, ...WRITE }));
    }
    ensured.add(app);
  }

  async function ensureConfigSecret(spec: Pick<OneOffSpec, 'app' | 'release' | 'env'>): Promise<void> {
    const body = makeConfigSecret(spec, settings);
    await create(`create Secret ${body.metadata!.name} in ${ns(spec.app)}`, () => clients.core.createNamespacedSecret({ namespace: ns(spec.app), body, ...WRITE }), Object.values(spec.env));
  }

  /** Adds a Deployment to the owners of its release's Secret, so the Secret goes with the last of them. */
  async function ownSecret(spec: SetKey, owner: V1Deployment): Promise<void> {
    const namespace = ns(spec.app);
    const name = secretName(spec.app, spec.release);
    for (let attempt = 0; attempt < 5; attempt++) {
      const secret = await call(`read Secret ${name} in ${namespace}`, () => clients.core.readNamespacedSecret({ name, namespace }));
      const owners = secret.metadata?.ownerReferences ?? [];
      if (owners.some((o) => o.uid === owner.metadata?.uid)) return;
      const reference = { apiVersion: 'apps/v1', kind: 'Deployment', name: owner.metadata!.name!, uid: owner.metadata!.uid! };
      try {
        await clients.core.patchNamespacedSecret({
          name, namespace, ...WRITE,
          body: { metadata: { resourceVersion: secret.metadata?.resourceVersion, ownerReferences: [...owners, reference] } },
        }, MERGE());
        return;
      } catch (err) {
        // Another set of the same release added itself meanwhile: read again.
        if (!isConflict(err)) throw translateKubeError(err, { action: `set the owners of Secret ${name} in ${namespace}` });
      }
    }
  }

  async function createSet(spec: InstanceSetSpec): Promise<void> {
    const namespace = ns(spec.app);
    const name = deploymentName(spec);
    const secrets = Object.values(spec.env);
    await ensureApp(spec.app);
    try {
      await ensureConfigSecret(spec);
    } catch (err) {
      // The namespace went behind paas's back (deleted by hand): make it again once.
      if (!(err instanceof PaasError && err.code === 'NOT_FOUND')) throw err;
      ensured.delete(spec.app);
      await ensureApp(spec.app);
      await ensureConfigSecret(spec);
    }
    let deployment: V1Deployment;
    try {
      deployment = await withRetry(() => clients.apps.createNamespacedDeployment({ namespace, body: makeDeployment(spec, settings), ...WRITE }));
    } catch (err) {
      if (!isConflict(err)) throw translateKubeError(err, { action: `create Deployment ${name} in ${namespace}`, secrets });
      // Created by an earlier attempt the informer has not shown yet: scale it instead.
      deployment = await call(`read Deployment ${name} in ${namespace}`, () => clients.apps.readNamespacedDeployment({ name, namespace }));
      if (deployment.spec?.replicas !== spec.replicas) await scaleSet(spec);
    }
    await ownSecret(spec, deployment);
    if (spec.process === WEB_PROCESS) {
      const service = makeSetService(spec, settings);
      service.metadata!.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid: deployment.metadata!.uid! }];
      await create(`create Service ${serviceName(spec.app, spec.release)} in ${namespace}`, () => clients.core.createNamespacedService({ namespace, body: service, ...WRITE }));
    }
  }

  async function scaleSet(spec: InstanceSetSpec): Promise<void> {
    const name = deploymentName(spec);
    await call(`scale Deployment ${name} in ${ns(spec.app)}`, () => clients.apps.patchNamespacedDeployment({
      name, namespace: ns(spec.app), ...WRITE, body: { spec: { replicas: spec.replicas } },
    }, MERGE()));
  }

  const podOf = (namespace: string, job: string): V1Pod | undefined =>
    cache.pods({ app: namespace.slice(settings.namespacePrefix.length) })
      .find((pod) => pod.metadata?.namespace === namespace && (pod.metadata.labels?.['batch.kubernetes.io/job-name'] ?? pod.metadata.labels?.['job-name']) === job);
  const readLog = (namespace: string, pod: string, container: string, tailLines?: number) =>
    clients.core.readNamespacedPodLog({ name: pod, namespace, container, timestamps: true, ...(tailLines !== undefined ? { tailLines } : {}) });
  const onPodsChanged = (listener: () => void) => {
    podListeners.add(listener);
    return () => podListeners.delete(listener);
  };

  return {
    kind: 'kubernetes',

    async start() {
      const version = await call(`reach the Kubernetes API at ${clients.server}`, () => clients.version.getCode());
      const [major, minor] = [Number(version.major), Number.parseInt(version.minor, 10)];
      // The drain is a preStop `sleep` action: beta and on by default since Kubernetes 1.30 (KEP-3960).
      if (settings.drainSeconds >= 1 && (major < 1 || (major === 1 && minor < 30))) {
        throw new PaasError('UNAVAILABLE', `The cluster runs Kubernetes ${version.gitVersion}; paas needs 1.30 or later to drain pods (a preStop sleep)`, {
          hint: 'Upgrade the cluster, or set PAAS_DRAIN_SECONDS=0 to stop pods without draining.',
        });
      }
      if (options.checkPermissions !== false) await checkPermissions(clients);
      try {
        await Promise.all(reflectors.map((r) => r.start()));
      } catch (err) {
        throw translateKubeError(err, { action: 'list what paas runs on the cluster' });
      }
    },

    async close() {
      for (const reflector of reflectors) reflector.stop();
    },

    ensureApp,

    async removeApp(app) {
      const namespace = ns(app);
      ensured.delete(app);
      live.delete(app);
      try {
        await withRetry(() => clients.core.deleteNamespace({ name: namespace, propagationPolicy: 'Background' }));
      } catch (err) {
        if (!isNotFound(err)) throw translateKubeError(err, { action: `delete namespace ${namespace}` });
      }
    },

    async applySet(spec) {
      const existing = cache.getDeployment(spec);
      if (!existing) return createSet(spec);
      if (existing.spec?.replicas !== spec.replicas) await scaleSet(spec);
    },

    async restartSet(key, token) {
      const name = deploymentName(key);
      await call(`restart Deployment ${name} in ${ns(key.app)}`, () => clients.apps.patchNamespacedDeployment({
        name, namespace: ns(key.app), ...WRITE,
        body: { spec: { template: { metadata: { annotations: { [ANNOTATIONS.restartedAt]: token } } } } },
      }, MERGE()));
    },

    async deleteSet(key) {
      const name = deploymentName(key);
      // Already gone, its pods still draining: nothing to ask the API server for.
      if (!cache.getDeployment(key)) return;
      try {
        // Background: the ReplicaSets and pods (draining through preStop), the Service and, with the last set, the Secret follow.
        await withRetry(() => clients.apps.deleteNamespacedDeployment({ name, namespace: ns(key.app), propagationPolicy: 'Background' }));
      } catch (err) {
        if (!isNotFound(err)) throw translateKubeError(err, { action: `delete Deployment ${name} in ${ns(key.app)}` });
      }
    },

    async setLiveRelease(app, release) {
      if (release === undefined || live.get(app) === release) return;
      const namespace = ns(app);
      const name = stableServiceName(app);
      const body = makeStableService(app, release, settings);
      try {
        await withRetry(() => clients.core.patchNamespacedService({ name, namespace, ...WRITE, body: { spec: { selector: body.spec!.selector } } }, MERGE()));
      } catch (err) {
        if (!isNotFound(err)) throw translateKubeError(err, { action: `point Service ${name} in ${namespace} at v${release}` });
        await create(`create Service ${name} in ${namespace}`, () => clients.core.createNamespacedService({ namespace, body, ...WRITE }));
      }
      live.set(app, release);
    },

    observe: (app) => cache.observe(app),
    observedApps: () => cache.apps(),

    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async runOnce(spec: OneOffSpec, runOptions: RunOnceOptions): Promise<RunOnceResult> {
      await ensureApp(spec.app);
      await ensureConfigSecret(spec);
      const result = await runReleaseJob({
        async createJob(one, timeoutSeconds) {
          const body = makeReleaseJob(one, timeoutSeconds, settings);
          const namespace = ns(one.app);
          // The name is random: a 409 means an earlier attempt of ours got through (its answer was lost).
          await create(`create Job ${body.metadata!.name} in ${namespace}`, () => clients.batch.createNamespacedJob({ namespace, body, ...WRITE }), Object.values(one.env));
          return { name: body.metadata!.name!, namespace };
        },
        async deleteJob(namespace, name) {
          await clients.batch.deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background' }).catch((err: unknown) => {
            if (!isNotFound(err)) throw translateKubeError(err, { action: `delete Job ${name} in ${namespace}` });
          });
        },
        podOf,
        onPodsChanged,
        readLog: (namespace, pod, container) => readLog(namespace, pod, container),
        follow: clients.log,
      }, spec, runOptions);
      // A failed release phase leaves no set to own the release's Secret: it goes now.
      if (result.exitCode !== 0 && !cache.observe(spec.app).some((s) => s.release === spec.release)) {
        await clients.core.deleteNamespacedSecret({ name: secretName(spec.app, spec.release), namespace: ns(spec.app) }).catch(() => undefined);
      }
      return result;
    },

    async *logs(filter: InstanceFilter, logOptions: LogOptions): AsyncGenerator<LogLine> {
      if (!filter.app) throw new PaasError('BAD_REQUEST', 'Logs are read per app');
      const app = filter.app;
      yield* streamPodLogs({
        readLog: (namespace, pod, container, tail) => readLog(namespace, pod, container, tail),
        follow: clients.log,
        pods: (f) => cache.pods({ app, ...(f.release !== undefined ? { release: f.release } : {}), ...(f.process !== undefined ? { process: f.process } : {}) })
          .filter((pod) => !(pod.metadata?.ownerReferences ?? []).some((o) => o.kind === 'Job') && pod.metadata?.labels?.[LABELS.app] === app),
        onPodsChanged,
      }, filter, logOptions);
    },
  };
}
