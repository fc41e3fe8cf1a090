/**
 * Namespace lifecycle (pkg/controller/namespace/deletion/namespaced_resources_deleter.go)
 * plus the two controllers that furnish every new namespace: the
 * serviceaccount controller (a "default" ServiceAccount) and the
 * root-ca-cert-publisher (ConfigMap kube-root-ca.crt with the cluster CA).
 * A Terminating namespace has all its content deleted (pods gracefully),
 * reports progress in the upstream conditions
 * (NamespaceContentRemaining "Some resources are remaining: pods. has 2
 * resource instances", NamespaceFinalizersRemaining, ...), and is
 * finalized (spec.finalizers emptied, then it leaves storage) once empty,
 * but never sooner than namespaceTerminationMs after the delete.
 */
import { clone, jsonEqual, type Obj } from '../lib/json.js';
import { metaTime } from '../lib/time.js';
import { keyOfKind, type KindDef } from '../kinds/kind.js';
import type { Controller, ControllerContext } from './manager.js';
import type { WorkQueue } from './work-queue.js';

export interface NamespaceControllerOptions {
  terminationMs: number;
  caCert: string;
}

const ROOT_CA_DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

export function namespaceController(ctx: ControllerContext, queue: WorkQueue, opts: NamespaceControllerOptions): Controller {
  const { api, store } = ctx;
  const namespaces = api.kind('namespaces');
  const terminatingSince = new Map<string, number>();
  const namespacedKinds = (): KindDef[] => api.registry.all().filter((k) => k.namespaced && !k.virtualCreate);

  const ensure = (kind: KindDef, ns: string, body: Obj): void => {
    if (api.tryGet(kind, ns, body.metadata.name)) return;
    try {
      api.create(kind, ns, body);
    } catch (e) {
      const code = (e as { code?: number }).code;
      if (code !== 409 && code !== 403 && code !== 404) throw e;
    }
  };

  const condition = (prev: Obj[], type: string, status: string, reason: string, message: string, now: number): Obj => {
    const old = prev.find((c) => c.type === type);
    const lastTransitionTime = old && old.status === status ? old.lastTransitionTime : metaTime(now);
    return { type, status, lastTransitionTime, reason, message };
  };

  const terminate = (ns: Obj): void => {
    const name = ns.metadata.name;
    const now = ctx.now();
    if (!terminatingSince.has(name)) terminatingSince.set(name, now);
    const counts: string[] = [];
    const finalizerCounts = new Map<string, number>();
    for (const kind of namespacedKinds()) {
      const items = store.scan(keyOfKind(kind), name);
      for (const o of items) {
        for (const f of (o.metadata.finalizers ?? []) as string[]) finalizerCounts.set(f, (finalizerCounts.get(f) ?? 0) + 1);
        if (o.metadata.deletionTimestamp) continue;
        try {
          api.delete(kind, name, o.metadata.name, { propagationPolicy: 'Background' });
        } catch (e) {
          if ((e as { code?: number }).code !== 404) throw e;
        }
      }
      const left = store.count(keyOfKind(kind), name);
      if (left) counts.push(`${kind.resource}.${kind.group} has ${left} resource instances`);
    }
    const prev: Obj[] = ns.status?.conditions ?? [];
    const finalizers = [...finalizerCounts].map(([f, n]) => `${f} in ${n} resource instances`).sort();
    const conditions = [
      condition(prev, 'NamespaceDeletionDiscoveryFailure', 'False', 'ResourcesDiscovered', 'All resources successfully discovered', now),
      condition(prev, 'NamespaceDeletionGroupVersionParsingFailure', 'False', 'ParsedGroupVersions', 'All legacy kube types successfully parsed', now),
      condition(prev, 'NamespaceDeletionContentFailure', 'False', 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization', now),
      counts.length
        ? condition(prev, 'NamespaceContentRemaining', 'True', 'SomeResourcesRemain', `Some resources are remaining: ${counts.sort().join(', ')}`, now)
        : condition(prev, 'NamespaceContentRemaining', 'False', 'ContentRemoved', 'All content successfully removed', now),
      finalizers.length
        ? condition(prev, 'NamespaceFinalizersRemaining', 'True', 'SomeFinalizersRemain', `Some content in the namespace has finalizers remaining: ${finalizers.join(', ')}`, now)
        : condition(prev, 'NamespaceFinalizersRemaining', 'False', 'ContentHasNoFinalizers', 'All content-preserving finalizers finished', now),
    ];
    let current = ns;
    if (!jsonEqual(prev, conditions)) {
      const copy = clone(ns);
      copy.status = { ...copy.status, conditions };
      delete copy.metadata.resourceVersion;
      current = api.update(namespaces, undefined, name, copy, { subresource: 'status' });
    }
    const waited = now - (terminatingSince.get(name) ?? now);
    if (counts.length === 0 && waited >= opts.terminationMs) {
      const copy = clone(current);
      copy.spec = { ...copy.spec, finalizers: [] };
      api.writeInternal(namespaces, copy);
      terminatingSince.delete(name);
      return;
    }
    queue.addAfter(name, counts.length === 0 ? Math.max(10, opts.terminationMs - waited) : 100);
  };

  return {
    name: 'namespace',
    keysFor(ev) {
      if (ev.resource === '/namespaces') return ev.type === 'DELETED' ? [] : [ev.object.metadata.name];
      const ns = ev.object.metadata?.namespace;
      if (ns && ev.resource !== '/events' && (ev.type === 'DELETED' || ev.object.metadata.deletionTimestamp)) {
        const owner = store.peek('/namespaces', undefined, ns);
        if (owner?.metadata.deletionTimestamp) return [ns];
      }
      return [];
    },
    initialKeys: () => store.scan('/namespaces').map((n) => n.metadata.name),
    reconcile(name) {
      const ns = api.tryGet(namespaces, undefined, name);
      if (!ns) return;
      if (ns.metadata.deletionTimestamp) return terminate(ns);
      ensure(api.kind('serviceaccounts'), name, { metadata: { name: 'default', namespace: name } });
      ensure(api.kind('configmaps'), name, {
        metadata: { name: 'kube-root-ca.crt', namespace: name, annotations: { 'kubernetes.io/description': ROOT_CA_DESCRIPTION } },
        data: { 'ca.crt': opts.caCert },
      });
    },
  };
}
