/**
 * Strategic-merge metadata: which lists merge by which key. Upstream reads
 * these from the Go struct tags (`patchStrategy:"merge"
 * patchMergeKey:"name"` in k8s.io/api core/v1/types.go, apps/v1 and
 * metav1 ObjectMeta); here they are listed per path. Paths use `[]` for
 * "any element of the list". Lists not named here are replaced whole, as
 * upstream does for lists without a patch strategy.
 */

export type MergeRule = { key: string } | 'primitive-merge';
export type MergeKeyTable = Record<string, MergeRule>;

export function objectMetaKeys(prefix: string): MergeKeyTable {
  return {
    [`${prefix}.ownerReferences`]: { key: 'uid' },
    [`${prefix}.finalizers`]: 'primitive-merge',
  };
}

/** PodSpec (core/v1 types.go) rooted at `prefix`, e.g. "spec" or "spec.template.spec". */
export function podSpecKeys(prefix: string): MergeKeyTable {
  const table: MergeKeyTable = {
    [`${prefix}.containers`]: { key: 'name' },
    [`${prefix}.initContainers`]: { key: 'name' },
    [`${prefix}.ephemeralContainers`]: { key: 'name' },
    [`${prefix}.volumes`]: { key: 'name' },
    [`${prefix}.imagePullSecrets`]: { key: 'name' },
    [`${prefix}.hostAliases`]: { key: 'ip' },
    [`${prefix}.topologySpreadConstraints`]: { key: 'topologyKey' },
    [`${prefix}.resourceClaims`]: { key: 'name' },
    [`${prefix}.schedulingGates`]: { key: 'name' },
  };
  for (const c of ['containers', 'initContainers', 'ephemeralContainers']) {
    table[`${prefix}.${c}[].env`] = { key: 'name' };
    table[`${prefix}.${c}[].ports`] = { key: 'containerPort' };
    table[`${prefix}.${c}[].volumeMounts`] = { key: 'mountPath' };
    table[`${prefix}.${c}[].volumeDevices`] = { key: 'devicePath' };
  }
  return table;
}

/** A PodTemplateSpec at `prefix` ("spec.template"). */
export function podTemplateKeys(prefix: string): MergeKeyTable {
  return { ...objectMetaKeys(`${prefix}.metadata`), ...podSpecKeys(`${prefix}.spec`) };
}

export const STATUS_CONDITIONS: MergeKeyTable = { 'status.conditions': { key: 'type' } };
