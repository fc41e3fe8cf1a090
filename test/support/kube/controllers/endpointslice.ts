/**
 * The EndpointSlice controller (pkg/controller/endpointslice and
 * staging/src/k8s.io/endpointslice: reconciler.go, utils.go). For each
 * Service with a selector: slices named "<service>-<random>", labelled
 * kubernetes.io/service-name and endpointslice.kubernetes.io/managed-by:
 * endpointslice-controller.k8s.io plus the Service's own labels, owned by
 * the Service; one endpoint per pod that has an IP and is not finished
 * (ShouldPodBeInEndpoints with terminating pods included): addresses
 * [podIP], conditions ready = ready && !terminating, serving = ready,
 * terminating = deletionTimestamp set; targetRef and nodeName. Ports come
 * from the Service with targetPort resolved per pod (a number, or the
 * pod's named containerPort, podutil.FindPort); pods resolving to
 * different ports go to different slices. With no endpoints one
 * placeholder slice remains.
 */
import { clone, jsonEqual, type Obj } from '../lib/json.js';
import { matchesLabels, type Selector } from '../selectors/label-selector.js';
import type { Controller, ControllerContext } from './manager.js';
import { nsKey, splitKey } from './manager.js';
import { controllerRef, isControlledBy, isPodReady } from './pod-util.js';
import type { WorkQueue } from './work-queue.js';

export const SliceLabel = {
  serviceName: 'kubernetes.io/service-name',
  managedBy: 'endpointslice.kubernetes.io/managed-by',
  headless: 'service.kubernetes.io/headless',
} as const;
export const MANAGED_BY = 'endpointslice-controller.k8s.io';

const selectorOf = (svc: Obj): Selector | undefined => {
  const sel: Obj | undefined = svc.spec?.selector;
  if (!sel || Object.keys(sel).length === 0 || svc.spec?.type === 'ExternalName') return undefined;
  return Object.entries(sel).map(([key, v]) => ({ key, op: '=' as const, values: [String(v)] }));
};

/** podutil.FindPort: a number is itself; a name is looked up among the pod's container ports. */
function findPort(pod: Obj, sp: Obj): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  for (const c of (pod.spec?.containers ?? []) as Obj[]) {
    for (const p of (c.ports ?? []) as Obj[]) if (p.name === target && (p.protocol ?? 'TCP') === (sp.protocol ?? 'TCP')) return p.containerPort;
  }
  return undefined;
}

function shouldBeInEndpoints(pod: Obj): boolean {
  if (!pod.status?.podIP) return false;
  const phase = pod.status?.phase;
  if (pod.spec?.restartPolicy === 'Never') return phase !== 'Failed' && phase !== 'Succeeded';
  if (pod.spec?.restartPolicy === 'OnFailure') return phase !== 'Succeeded';
  return true;
}

function endpointFor(pod: Obj, svc: Obj): Obj {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata.deletionTimestamp;
  const ready = svc.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const ep: Obj = {
    addresses: [pod.status.podIP],
    conditions: { ready, serving, terminating },
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
  };
  if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
  return ep;
}

export function endpointSliceController(ctx: ControllerContext, _queue: WorkQueue): Controller {
  const { api } = ctx;
  const services = api.kind('services');
  const slices = api.kind('endpointslices');

  const servicesSelecting = (pod: Obj | undefined): string[] => {
    if (!pod) return [];
    return api.store
      .scan('/services', pod.metadata.namespace)
      .filter((svc) => {
        const sel = selectorOf(svc);
        return sel !== undefined && matchesLabels(sel, pod.metadata.labels);
      })
      .map(nsKey);
  };

  const sync = (svc: Obj): void => {
    const ns = svc.metadata.namespace;
    const owned = api.store.ownedBy('discovery.k8s.io/endpointslices', svc.metadata.uid).filter((s) => s.metadata.namespace === ns && isControlledBy(s, svc) && s.metadata.labels?.[SliceLabel.managedBy] === MANAGED_BY);
    const selector = selectorOf(svc);
    if (!selector) {
      for (const s of owned) api.delete(slices, ns, s.metadata.name);
      return;
    }
    const groups = new Map<string, { ports: Obj[]; endpoints: Obj[] }>();
    const pods = api.store
      .scan('/pods', ns)
      .filter((p) => matchesLabels(selector, p.metadata.labels) && shouldBeInEndpoints(p))
      .sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)));
    for (const pod of pods) {
      const ports: Obj[] = [];
      for (const sp of (svc.spec?.ports ?? []) as Obj[]) {
        const port = findPort(pod, sp);
        if (port === undefined) continue;
        const p: Obj = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
        if (sp.appProtocol) p.appProtocol = sp.appProtocol;
        ports.push(p);
      }
      const key = JSON.stringify(ports);
      const g = groups.get(key) ?? { ports, endpoints: [] };
      g.endpoints.push(endpointFor(pod, svc));
      groups.set(key, g);
    }
    if (groups.size === 0) groups.set('[]', { ports: [], endpoints: [] });
    const labels: Obj = { ...(svc.metadata.labels ?? {}), [SliceLabel.serviceName]: svc.metadata.name, [SliceLabel.managedBy]: MANAGED_BY };
    if (svc.spec?.clusterIP === 'None') labels[SliceLabel.headless] = '';
    else delete labels[SliceLabel.headless];
    const unused = [...owned];
    for (const g of groups.values()) {
      const idx = unused.findIndex((s) => jsonEqual(s.ports ?? [], g.ports));
      const existing = idx >= 0 ? unused.splice(idx, 1)[0] : unused.shift();
      const desired: Obj = { addressType: 'IPv4', endpoints: g.endpoints, ports: g.ports };
      if (existing) {
        const same = jsonEqual(existing.endpoints ?? [], g.endpoints) && jsonEqual(existing.ports ?? [], g.ports) && jsonEqual(existing.metadata.labels ?? {}, labels);
        if (same) continue;
        const copy = clone(existing);
        Object.assign(copy, desired);
        copy.metadata.labels = labels;
        delete copy.metadata.resourceVersion;
        api.update(slices, ns, existing.metadata.name, copy);
      } else {
        try {
          api.create(slices, ns, { metadata: { generateName: `${svc.metadata.name}-`, namespace: ns, labels, ownerReferences: [controllerRef(svc, services)] }, ...desired });
        } catch (e) {
          // a terminating namespace refuses new content; its Services are on their way out anyway
          if (!((e as { status?: Obj }).status?.details?.causes ?? []).some((c: Obj) => c.reason === 'NamespaceTerminating')) throw e;
        }
      }
    }
    for (const s of unused) api.delete(slices, ns, s.metadata.name);
  };

  return {
    name: 'endpointslice',
    keysFor(ev) {
      if (ev.resource === '/services') return ev.type === 'DELETED' ? [] : [nsKey(ev.object)];
      if (ev.resource === '/pods') return [...new Set([...servicesSelecting(ev.object), ...servicesSelecting(ev.prevObject)])];
      if (ev.resource === 'discovery.k8s.io/endpointslices') {
        const svc = ev.object.metadata.labels?.[SliceLabel.serviceName];
        return svc && ev.object.metadata.labels?.[SliceLabel.managedBy] === MANAGED_BY ? [`${ev.object.metadata.namespace}/${svc}`] : [];
      }
      return [];
    },
    initialKeys: () => api.store.scan('/services').map(nsKey),
    reconcile(key) {
      const { namespace, name } = splitKey(key);
      const svc = api.tryGet(services, namespace, name);
      if (!svc || svc.metadata.deletionTimestamp) return;
      sync(svc);
    },
  };
}
