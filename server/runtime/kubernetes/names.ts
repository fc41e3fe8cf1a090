/**
 * Every name, label and annotation the Kubernetes driver derives, in one
 * place (DESIGN.md "Naming", STYLE.md "Names"). Labels are the driver's
 * memory: the informers select by them and a restarted server adopts what
 * runs by reading them back, so writing and reading agree through here.
 *
 *   namespace         <prefix><app>             (paas-shop)
 *   Deployment        <app>-v<N>-<process>      (shop-v4-web)
 *   Service           <app>-v<N>-web            one per web set, selects that set
 *   stable Service    <app>                     selects the live release's web set
 *   Secret            <app>-v<N>-env            the release's config, immutable
 *   Job               <app>-v<N>-release-<rnd>  the release phase
 */
import { randomBytes } from 'node:crypto';
import type { SetKey } from '../runtime.js';

export const LABELS = {
  name: 'app.kubernetes.io/name',
  managedBy: 'app.kubernetes.io/managed-by',
  app: 'paas.dev/app',
  release: 'paas.dev/release',
  process: 'paas.dev/process',
  /** Two paas installations on one cluster never adopt each other's objects. */
  installation: 'paas.dev/installation',
  /** Set by the Deployment controller on every pod of a ReplicaSet. */
  podTemplateHash: 'pod-template-hash',
} as const;

export const ANNOTATIONS = {
  /** Changed by `paas ps:restart`; a template change rolls the pods (as `kubectl rollout restart` does). */
  restartedAt: 'paas.dev/restarted-at',
} as const;

export const MANAGED_BY = 'paas';
export const WEB_PROCESS = 'web';
/** The port every instance listens on ($PORT). */
export const APP_PORT = 5000;
/** Pods' names are <replicaset>-<5 chars>; the suffix makes the instance name (web.x2k9z). */
const POD_SUFFIX = /-([a-z0-9]{5})$/;

export function releaseLabel(release: number): string {
  return `v${release}`;
}

export function parseReleaseLabel(value: string | undefined): number | undefined {
  const match = /^v([0-9]+)$/.exec(value ?? '');
  return match ? Number(match[1]) : undefined;
}

/**
 * Procfile process types are words (`web`, `worker`, `clock_2`); object names
 * and container names must be DNS-1123 labels, so `_` becomes `-`.
 */
export function dnsPart(process: string): string {
  return process.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '') || 'proc';
}

export function namespaceName(prefix: string, app: string): string {
  return `${prefix}${app}`;
}

export function deploymentName(key: SetKey): string {
  return `${key.app}-${releaseLabel(key.release)}-${dnsPart(key.process)}`;
}

export function serviceName(app: string, release: number): string {
  return `${app}-${releaseLabel(release)}-${WEB_PROCESS}`;
}

export function stableServiceName(app: string): string {
  return app;
}

export function secretName(app: string, release: number): string {
  return `${app}-${releaseLabel(release)}-env`;
}

export function jobName(app: string, release: number, random: () => string = () => randomBytes(2).toString('hex')): string {
  return `${app}-${releaseLabel(release)}-release-${random()}`;
}

export function containerName(process: string): string {
  return dnsPart(process);
}

/** web.x2k9z: Heroku's dyno naming with the pod's own suffix (pods have no stable numbers). */
export function instanceName(process: string, podName: string): string {
  return `${process}.${POD_SUFFIX.exec(podName)?.[1] ?? podName}`;
}

/** The labels every object of the app carries. */
export function appLabels(app: string, installation: string): Record<string, string> {
  return { [LABELS.name]: app, [LABELS.managedBy]: MANAGED_BY, [LABELS.app]: app, [LABELS.installation]: installation };
}

/** What selects one set's pods; also the Deployment's immutable selector. */
export function setSelector(key: SetKey): Record<string, string> {
  return { [LABELS.app]: key.app, [LABELS.release]: releaseLabel(key.release), [LABELS.process]: key.process };
}

export function setLabels(key: SetKey, installation: string): Record<string, string> {
  return { ...appLabels(key.app, installation), ...setSelector(key) };
}

/** The informers' label selector: everything this installation manages. */
export function managedSelector(installation: string): string {
  return `${LABELS.managedBy}=${MANAGED_BY},${LABELS.installation}=${installation}`;
}

/** The set a labelled object belongs to; undefined for anything paas did not label. */
export function setKeyOf(labels: Record<string, string> | undefined): SetKey | undefined {
  const app = labels?.[LABELS.app];
  const process = labels?.[LABELS.process];
  const release = parseReleaseLabel(labels?.[LABELS.release]);
  return app && process && release !== undefined ? { app, release, process } : undefined;
}
