/**
 * The admission plugins whose effects a client can observe:
 * - NamespaceLifecycle (plugin/pkg/admission/namespace/lifecycle): creating
 *   in a missing namespace is 404 `namespaces "x" not found`; in a
 *   Terminating one, 403 "unable to create new content in namespace x
 *   because it is being terminated" with a NamespaceTerminating cause; the
 *   immortal namespaces cannot be deleted.
 * - Priority and DefaultTolerationSeconds: pods get priority 0,
 *   preemptionPolicy PreemptLowerPriority and the not-ready / unreachable
 *   NoExecute tolerations for 300 s that every real pod shows.
 * - ServiceAccount (plugin/pkg/admission/serviceaccount): pods get
 *   serviceAccountName "default" (the account must exist, else 403) and the
 *   projected `kube-api-access-xxxxx` token volume mounted at
 *   /var/run/secrets/kubernetes.io/serviceaccount in every container.
 */
import { forbidden, notFound } from '../api/status.js';
import { type Obj } from '../lib/json.js';
import { randomSuffix } from '../lib/random.js';
import type { KindDef } from '../kinds/kind.js';
import type { Store } from '../store/store.js';

export const IMMORTAL_NAMESPACES = ['default', 'kube-system', 'kube-public'];
export const SERVICE_ACCOUNT_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

export function admitNamespaceLifecycle(store: Store, kind: KindDef, namespace: string, name: string): void {
  if (!kind.namespaced) return;
  const ns = store.peek('/namespaces', undefined, namespace);
  if (!ns) throw notFound({ group: '', resource: 'namespaces' }, namespace);
  if (ns.status?.phase === 'Terminating') {
    throw forbidden({ group: kind.group, resource: kind.resource }, name, `unable to create new content in namespace ${namespace} because it is being terminated`, [
      { reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' },
    ]);
  }
}

export function admitNamespaceDelete(name: string): void {
  if (IMMORTAL_NAMESPACES.includes(name)) throw forbidden({ group: '', resource: 'namespaces' }, name, 'this namespace may not be deleted');
}

export function admitServiceAccount(store: Store, pod: Obj): void {
  const spec = pod.spec;
  if (!spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount || 'default';
  spec.serviceAccount = spec.serviceAccountName;
  const ns = pod.metadata.namespace;
  const sa = store.peek('/serviceaccounts', ns, spec.serviceAccountName);
  if (!sa) {
    throw forbidden({ group: '', resource: 'pods' }, pod.metadata.name ?? '', `error looking up service account ${ns}/${spec.serviceAccountName}: serviceaccount "${spec.serviceAccountName}" not found`);
  }
  if (spec.automountServiceAccountToken === false || (spec.automountServiceAccountToken === undefined && sa.automountServiceAccountToken === false)) return;
  const containers: Obj[] = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  if (containers.every((c) => (c.volumeMounts ?? []).some((m: Obj) => m.mountPath === SERVICE_ACCOUNT_MOUNT))) return;
  const volumeName = `kube-api-access-${randomSuffix(5)}`;
  spec.volumes = [
    ...(spec.volumes ?? []),
    {
      name: volumeName,
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    },
  ];
  for (const c of containers) {
    if ((c.volumeMounts ?? []).some((m: Obj) => m.mountPath === SERVICE_ACCOUNT_MOUNT)) continue;
    c.volumeMounts = [...(c.volumeMounts ?? []), { name: volumeName, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT }];
  }
}

/** plugin/pkg/admission/priority and defaulttolerationseconds. */
export function admitPodDefaults(pod: Obj): void {
  const spec = pod.spec;
  spec.priority ??= 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  const tolerations: Obj[] = spec.tolerations ?? [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (tolerations.some((t) => t.key === key && (t.effect === 'NoExecute' || !t.effect))) continue;
    tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  spec.tolerations = tolerations;
}
