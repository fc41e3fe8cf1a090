/**
 * The Deployment's ReplicaSets: which one is "new" (FindNewReplicaSet: the
 * oldest whose template equals the Deployment's, ignoring the
 * pod-template-hash label, EqualIgnoreHash), how a new one is made
 * (`<deployment>-<hash>`, the hash label on labels, selector and template,
 * a controller ownerReference) and the annotations the controller keeps on
 * them (deployment_util.go SetNewReplicaSetAnnotations,
 * SetReplicasAnnotations): revision, revision-history, desired-replicas,
 * max-replicas, plus the Deployment's own annotations.
 */
import { clone, semanticEqual, type Obj } from '../../lib/json.js';
import { computePodTemplateHash } from '../../lib/hash.js';
import { parseTime } from '../../lib/time.js';

export const DeploymentAnnotation = {
  revision: 'deployment.kubernetes.io/revision',
  revisionHistory: 'deployment.kubernetes.io/revision-history',
  desiredReplicas: 'deployment.kubernetes.io/desired-replicas',
  maxReplicas: 'deployment.kubernetes.io/max-replicas',
} as const;

export const POD_TEMPLATE_HASH = 'pod-template-hash';

const SKIP_COPY = new Set<string>([
  'kubectl.kubernetes.io/last-applied-configuration',
  DeploymentAnnotation.revision,
  DeploymentAnnotation.revisionHistory,
  DeploymentAnnotation.desiredReplicas,
  DeploymentAnnotation.maxReplicas,
  'deprecated.deployment.rollback.to',
]);

export function equalIgnoreHash(a: Obj | undefined, b: Obj | undefined): boolean {
  const strip = (t: Obj | undefined): Obj => {
    const c = clone(t ?? {});
    if (c.metadata?.labels) {
      delete c.metadata.labels[POD_TEMPLATE_HASH];
      if (Object.keys(c.metadata.labels).length === 0) delete c.metadata.labels;
    }
    return c;
  };
  return semanticEqual(strip(a), strip(b));
}

export const byCreation = (a: Obj, b: Obj): number =>
  (parseTime(a.metadata.creationTimestamp) ?? 0) - (parseTime(b.metadata.creationTimestamp) ?? 0) || String(a.metadata.name).localeCompare(String(b.metadata.name));

export function findNewReplicaSet(d: Obj, rss: Obj[]): Obj | undefined {
  return [...rss].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

export const revisionOf = (rs: Obj): number => Number(rs.metadata?.annotations?.[DeploymentAnnotation.revision] ?? 0) || 0;

/** copyDeploymentAnnotationsToReplicaSet: true when anything changed. */
function copyAnnotations(d: Obj, rs: Obj): boolean {
  let changed = false;
  rs.metadata.annotations ??= {};
  for (const [k, v] of Object.entries((d.metadata.annotations ?? {}) as Obj)) {
    if (SKIP_COPY.has(k) || rs.metadata.annotations[k] === v) continue;
    rs.metadata.annotations[k] = v;
    changed = true;
  }
  return changed;
}

export function setReplicasAnnotations(rs: Obj, desired: number, max: number): boolean {
  rs.metadata.annotations ??= {};
  const a = rs.metadata.annotations;
  const changed = a[DeploymentAnnotation.desiredReplicas] !== String(desired) || a[DeploymentAnnotation.maxReplicas] !== String(max);
  a[DeploymentAnnotation.desiredReplicas] = String(desired);
  a[DeploymentAnnotation.maxReplicas] = String(max);
  return changed;
}

/** SetNewReplicaSetAnnotations. */
export function setNewReplicaSetAnnotations(d: Obj, rs: Obj, newRevision: number, exists: boolean, desired: number, max: number): boolean {
  let changed = copyAnnotations(d, rs);
  const a = rs.metadata.annotations;
  const old = a[DeploymentAnnotation.revision];
  const oldRevision = Number(old ?? 0) || 0;
  if (oldRevision < newRevision) {
    a[DeploymentAnnotation.revision] = String(newRevision);
    changed = true;
    if (old !== undefined) {
      const history = a[DeploymentAnnotation.revisionHistory];
      a[DeploymentAnnotation.revisionHistory] = history ? `${history},${old}` : old;
    }
  }
  if (!exists && setReplicasAnnotations(rs, desired, max)) changed = true;
  return changed;
}

export function makeReplicaSet(d: Obj, hash: string, replicas: number, ownerRef: Obj): Obj {
  const template = clone(d.spec.template);
  template.metadata ??= {};
  template.metadata.labels = { ...(template.metadata.labels ?? {}), [POD_TEMPLATE_HASH]: hash };
  const selector = clone(d.spec.selector);
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: `${d.metadata.name}-${hash}`, namespace: d.metadata.namespace, labels: { ...template.metadata.labels }, ownerReferences: [ownerRef] },
    spec: { replicas, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
  };
}

export function templateHash(d: Obj): string {
  return computePodTemplateHash(d.spec.template, d.status?.collisionCount);
}
