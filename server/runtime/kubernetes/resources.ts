/**
 * Pure builders of every object the Kubernetes driver writes (knative's
 * `resources/` package: data in, typed objects out, no client). The choices:
 *
 * - One Deployment per instance set, RollingUpdate with surge 1 and nothing
 *   unavailable, so a restart never lowers capacity; its selector is the set
 *   (app, release, process) and never changes (it is immutable).
 * - Config comes from the release's own immutable Secret through `envFrom`,
 *   so a rollback brings back the config that went with the release; the
 *   platform's variables (`env`) win over config vars of the same name.
 * - Readiness from the app's health check (HTTP GET, else TCP on PORT), a
 *   startup probe bounded by the ready deadline, a liveness probe.
 * - Drain: a `preStop` sleep keeps a terminating pod serving while the
 *   router and Services drop it (its EndpointSlice entry turns not ready at
 *   once), then SIGTERM; the grace period covers both.
 * - A restrictive securityContext (Pod Security "restricted" minus
 *   runAsNonRoot, which images built as root would fail) and no API token.
 * - Images run by digest from the address pods pull from.
 */
import type { V1Container, V1Deployment, V1EnvVar, V1Job, V1Namespace, V1PodSpec, V1Probe, V1Secret, V1Service } from '@kubernetes/client-node';
import type { InstanceSetSpec, OneOffSpec, SetKey } from '../runtime.js';
import { shellCommand } from '../shell-command.js';
import {
  ANNOTATIONS, APP_PORT, LABELS, WEB_PROCESS, appLabels, containerName, deploymentName, jobName, namespaceName, releaseLabel, secretName,
  serviceName, setLabels, setSelector, stableServiceName,
} from './names.js';

export interface KubeSettings {
  namespacePrefix: string;
  installation: string;
  /** Time out of rotation before SIGTERM. */
  drainSeconds: number;
  /** Deadline for a new instance to become ready. */
  readyTimeoutSeconds: number;
  /** Registry address the builder pushes to, and the one pods pull from (may differ inside a cluster). */
  registry: { push: string; pull: string };
  /** Name of the image pull Secret made in every app namespace, when the registry needs credentials. */
  pullSecret?: string;
}

export const PULL_SECRET_NAME = 'paas-registry';

/** The image reference pods run: by digest, at the pull address. */
export function podImage(image: string, digest: string | null | undefined, registry: KubeSettings['registry']): string {
  const pulled = registry.push !== '' && registry.pull !== registry.push && image.startsWith(`${registry.push}/`)
    ? `${registry.pull}/${image.slice(registry.push.length + 1)}`
    : image;
  if (!digest?.startsWith('sha256:')) return pulled;
  // repo[:tag] ▶ repo@digest (a tag colon comes after the last slash; a port colon before it).
  const slash = pulled.lastIndexOf('/');
  const colon = pulled.lastIndexOf(':');
  const repo = colon > slash ? pulled.slice(0, colon) : pulled;
  return `${repo.split('@')[0]}@${digest}`;
}

export function makeNamespace(app: string, settings: KubeSettings): V1Namespace {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespaceName(settings.namespacePrefix, app), labels: appLabels(app, settings.installation) } };
}

export function makeConfigSecret(spec: Pick<OneOffSpec, 'app' | 'release' | 'env'>, settings: KubeSettings): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: secretName(spec.app, spec.release),
      namespace: namespaceName(settings.namespacePrefix, spec.app),
      labels: { ...appLabels(spec.app, settings.installation), [LABELS.release]: releaseLabel(spec.release) },
    },
    type: 'Opaque',
    immutable: true,
    // Values are bytes exactly as set (quotes, newlines, `$()` survive): base64, never stringData.
    data: Object.fromEntries(Object.entries(spec.env).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')])),
  };
}

export function makePullSecret(app: string, dockerConfigJson: string, settings: KubeSettings): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: PULL_SECRET_NAME, namespace: namespaceName(settings.namespacePrefix, app), labels: appLabels(app, settings.installation) },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': Buffer.from(dockerConfigJson, 'utf8').toString('base64') },
  };
}

/** PORT and the PAAS_* variables; they win over config vars of the same name (env beats envFrom). */
function platformEnv(key: SetKey): V1EnvVar[] {
  return [
    { name: 'PORT', value: String(APP_PORT) },
    { name: 'PAAS_APP', value: key.app },
    { name: 'PAAS_RELEASE', value: releaseLabel(key.release) },
    { name: 'PAAS_PROCESS', value: key.process },
    { name: 'PAAS_INSTANCE', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
  ];
}

function probe(path: string | null, periodSeconds: number, failureThreshold: number): V1Probe {
  const handler = path === null ? { tcpSocket: { port: APP_PORT } } : { httpGet: { path, port: APP_PORT } };
  return { ...handler, periodSeconds, failureThreshold, timeoutSeconds: 1, successThreshold: 1 };
}

function container(spec: OneOffSpec, settings: KubeSettings, web: boolean, healthcheckPath: string | null): V1Container {
  return {
    name: containerName(spec.process),
    image: podImage(spec.image, spec.digest, settings.registry),
    imagePullPolicy: 'IfNotPresent',
    ...(spec.command !== undefined ? { args: shellCommand(spec.command) } : {}),
    env: platformEnv(spec),
    envFrom: [{ secretRef: { name: secretName(spec.app, spec.release) } }],
    ...(web ? {
      ports: [{ name: 'http', containerPort: APP_PORT, protocol: 'TCP' }],
      startupProbe: probe(healthcheckPath, 1, Math.max(1, Math.ceil(settings.readyTimeoutSeconds))),
      readinessProbe: probe(healthcheckPath, 1, 3),
      livenessProbe: probe(healthcheckPath, 10, 3),
      ...(settings.drainSeconds >= 1 ? { lifecycle: { preStop: { sleep: { seconds: Math.round(settings.drainSeconds) } } } } : {}),
    } : {}),
    securityContext: { allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] } },
  };
}

function podSpec(settings: KubeSettings, main: V1Container, restartPolicy: 'Always' | 'Never'): V1PodSpec {
  return {
    containers: [main],
    restartPolicy,
    terminationGracePeriodSeconds: Math.ceil(settings.drainSeconds) + 10,
    enableServiceLinks: false,
    automountServiceAccountToken: false,
    securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
    ...(settings.pullSecret ? { imagePullSecrets: [{ name: settings.pullSecret }] } : {}),
  };
}

export function makeDeployment(spec: InstanceSetSpec, settings: KubeSettings): V1Deployment {
  const labels = setLabels(spec, settings.installation);
  const web = spec.process === WEB_PROCESS;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: deploymentName(spec), namespace: namespaceName(settings.namespacePrefix, spec.app), labels },
    spec: {
      replicas: spec.replicas,
      selector: { matchLabels: setSelector(spec) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      revisionHistoryLimit: 2,
      // Past this the Deployment reports ProgressDeadlineExceeded; paas's own gate (with the reason) comes first.
      progressDeadlineSeconds: Math.ceil(settings.readyTimeoutSeconds) + 30,
      template: {
        metadata: { labels, annotations: { [ANNOTATIONS.restartedAt]: '' } },
        spec: podSpec(settings, container(spec, settings, web, spec.healthcheckPath), 'Always'),
      },
    },
  };
}

/** One Service per web set: what in-cluster clients use to reach exactly that release. */
export function makeSetService(key: SetKey, settings: KubeSettings): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: serviceName(key.app, key.release), namespace: namespaceName(settings.namespacePrefix, key.app), labels: setLabels(key, settings.installation) },
    spec: { type: 'ClusterIP', selector: setSelector(key), ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
  };
}

/** The stable Service `<app>`: its selector names the live release; a rollback patches it. */
export function makeStableService(app: string, release: number, settings: KubeSettings): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: stableServiceName(app), namespace: namespaceName(settings.namespacePrefix, app), labels: appLabels(app, settings.installation) },
    spec: { type: 'ClusterIP', selector: setSelector({ app, release, process: WEB_PROCESS }), ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
  };
}

/** The release phase: one pod, never retried, killed at the deadline, removed soon after. */
export function makeReleaseJob(spec: OneOffSpec, timeoutSeconds: number, settings: KubeSettings, name = jobName(spec.app, spec.release)): V1Job {
  const labels = setLabels(spec, settings.installation);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: namespaceName(settings.namespacePrefix, spec.app), labels },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: Math.max(1, Math.ceil(timeoutSeconds)),
      ttlSecondsAfterFinished: 600,
      template: { metadata: { labels }, spec: podSpec(settings, container(spec, settings, false, null), 'Never') },
    },
  };
}
