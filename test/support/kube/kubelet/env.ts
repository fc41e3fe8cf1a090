/**
 * A container's environment as the kubelet builds it
 * (pkg/kubelet/kubelet_pods.go makeEnvironmentVariables): service links
 * for the Services of the namespace (plus `kubernetes` from default),
 * then envFrom (ConfigMaps and Secrets, optional prefix), then env, where
 * $(VAR) refers to variables defined before it (third_party/forked
 * expansion: `$$` escapes, unknown references stay as written), and
 * valueFrom reads fieldRef, resourceFieldRef, configMapKeyRef and
 * secretKeyRef. A missing ConfigMap or Secret (or key) that is not
 * optional fails with the kubelet's message, which becomes the
 * CreateContainerConfigError waiting message.
 */
import type { Obj } from '../lib/json.js';
import { quantityValue } from '../lib/quantity.js';
import type { Store } from '../store/store.js';
import { isEnvVarName } from '../validation/names.js';

export class EnvError extends Error {}

function expand(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\$|\$\(([^)]*)\)/g, (m, name: string | undefined) => {
    if (m === '$$') return '$';
    return name !== undefined && name in vars ? (vars[name] ?? '') : m;
  });
}

function serviceLinks(store: Store, namespace: string, enableServiceLinks: boolean): Record<string, string> {
  const env: Record<string, string> = {};
  const services = [...store.scan('/services', 'default').filter((s) => s.metadata.name === 'kubernetes'), ...(enableServiceLinks ? store.scan('/services', namespace) : [])];
  for (const svc of services) {
    const ip = svc.spec?.clusterIP;
    if (!ip || ip === 'None' || svc.spec?.type === 'ExternalName') continue;
    const name = String(svc.metadata.name).toUpperCase().replace(/-/g, '_');
    const ports: Obj[] = svc.spec?.ports ?? [];
    const first = ports[0];
    if (!first) continue;
    env[`${name}_SERVICE_HOST`] = ip;
    env[`${name}_SERVICE_PORT`] = String(first.port);
    for (const p of ports) if (p.name) env[`${name}_SERVICE_PORT_${String(p.name).toUpperCase().replace(/-/g, '_')}`] = String(p.port);
    const proto = String(first.protocol ?? 'TCP').toLowerCase();
    env[`${name}_PORT`] = `${proto}://${ip}:${first.port}`;
    for (const p of ports) {
      const pr = String(p.protocol ?? 'TCP');
      const base = `${name}_PORT_${p.port}_${pr}`;
      env[base] = `${pr.toLowerCase()}://${ip}:${p.port}`;
      env[`${base}_PROTO`] = pr.toLowerCase();
      env[`${base}_PORT`] = String(p.port);
      env[`${base}_ADDR`] = ip;
    }
  }
  return env;
}

function fieldValue(pod: Obj, fieldPath: string): string {
  const sub = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(fieldPath);
  if (sub) return String(pod.metadata?.[sub[1] ?? '']?.[sub[2] ?? ''] ?? '');
  switch (fieldPath) {
    case 'metadata.name':
      return pod.metadata.name;
    case 'metadata.namespace':
      return pod.metadata.namespace;
    case 'metadata.uid':
      return pod.metadata.uid;
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
      return pod.status?.hostIP ?? '';
    case 'status.hostIPs':
      return ((pod.status?.hostIPs ?? []) as Obj[]).map((x) => x.ip).join(',');
    case 'status.podIP':
      return pod.status?.podIP ?? '';
    case 'status.podIPs':
      return ((pod.status?.podIPs ?? []) as Obj[]).map((x) => x.ip).join(',');
    default:
      throw new EnvError(`unsupported fieldPath: ${fieldPath}`);
  }
}

function resourceValue(container: Obj, ref: Obj, node: { cpu: string; memory: string }): string {
  const [kind, resource] = String(ref.resource).split('.');
  const fromSpec = container.resources?.[kind ?? '']?.[resource ?? ''];
  const raw = fromSpec !== undefined ? quantityValue(fromSpec) : quantityValue(resource === 'cpu' ? node.cpu : node.memory);
  const divisor = ref.divisor !== undefined ? quantityValue(ref.divisor) : 1;
  return String(Math.ceil(raw / (divisor || 1)));
}

export interface EnvInputs {
  pod: Obj;
  container: Obj;
  store: Store;
  node: { cpu: string; memory: string };
}

/** The resolved environment (name -> value), or an EnvError with the kubelet's message. */
export function resolveEnv({ pod, container, store, node }: EnvInputs): Record<string, string> {
  const ns = pod.metadata.namespace;
  const env: Record<string, string> = serviceLinks(store, ns, pod.spec?.enableServiceLinks !== false);
  const configMap = (name: string, optional: boolean): Obj | undefined => {
    const cm = store.peek('/configmaps', ns, name);
    if (!cm && !optional) throw new EnvError(`configmap "${name}" not found`);
    return cm;
  };
  const secret = (name: string, optional: boolean): Obj | undefined => {
    const s = store.peek('/secrets', ns, name);
    if (!s && !optional) throw new EnvError(`secret "${name}" not found`);
    return s;
  };
  for (const from of (container.envFrom ?? []) as Obj[]) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef) {
      const cm = configMap(from.configMapRef.name, from.configMapRef.optional === true);
      for (const [k, v] of Object.entries((cm?.data ?? {}) as Obj)) if (isEnvVarName(prefix + k).length === 0) env[prefix + k] = String(v);
    }
    if (from.secretRef) {
      const s = secret(from.secretRef.name, from.secretRef.optional === true);
      for (const [k, v] of Object.entries((s?.data ?? {}) as Obj)) if (isEnvVarName(prefix + k).length === 0) env[prefix + k] = Buffer.from(String(v), 'base64').toString('utf8');
    }
  }
  for (const ev of (container.env ?? []) as Obj[]) {
    const from = ev.valueFrom;
    if (!from) {
      env[ev.name] = expand(String(ev.value ?? ''), env);
      continue;
    }
    if (from.fieldRef) env[ev.name] = fieldValue(pod, from.fieldRef.fieldPath);
    else if (from.resourceFieldRef) env[ev.name] = resourceValue(container, from.resourceFieldRef, node);
    else if (from.configMapKeyRef) {
      const ref = from.configMapKeyRef;
      const cm = configMap(ref.name, ref.optional === true);
      if (cm) {
        const v = cm.data?.[ref.key] ?? (cm.binaryData?.[ref.key] !== undefined ? Buffer.from(cm.binaryData[ref.key], 'base64').toString('utf8') : undefined);
        if (v === undefined) {
          if (ref.optional !== true) throw new EnvError(`couldn't find key ${ref.key} in ConfigMap ${ns}/${ref.name}`);
        } else env[ev.name] = String(v);
      }
    } else if (from.secretKeyRef) {
      const ref = from.secretKeyRef;
      const s = secret(ref.name, ref.optional === true);
      if (s) {
        const v = s.data?.[ref.key];
        if (v === undefined) {
          if (ref.optional !== true) throw new EnvError(`couldn't find key ${ref.key} in Secret ${ns}/${ref.name}`);
        } else env[ev.name] = Buffer.from(String(v), 'base64').toString('utf8');
      }
    }
  }
  return env;
}
