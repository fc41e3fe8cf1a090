/**
 * Authorization as the RBAC authorizer decides it
 * (plugin/pkg/auth/authorizer/rbac/rbac.go RuleAllows and
 * pkg/apis/rbac/v1/evaluation_helpers.go): verb, API group, resource or
 * "resource/subresource" (or "*" and "*\/subresource"), resourceNames, and
 * nonResourceURLs. A rule with `namespaces` stands for a RoleBinding in
 * each of them; without, for a ClusterRoleBinding, the only kind that
 * grants cluster-scoped requests and list/watch across all namespaces.
 * Every authenticated user also holds the default discovery, basic-user
 * and public-info-viewer bindings. The 403 message is
 * handlers/responsewriters/errors.go forbiddenMessage.
 */

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
  /** Double-specific: the namespaces a RoleBinding grants this rule in; absent = cluster-wide. */
  namespaces?: string[];
}

export interface RequestAttributes {
  user: string;
  verb: string;
  resourceRequest: boolean;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  path: string;
}

export interface Decision {
  allowed: boolean;
  reason: string;
}

/** system:discovery, system:basic-user and system:public-info-viewer, bound to system:authenticated. */
const DEFAULT_RULES: PolicyRule[] = [
  { verbs: ['get'], nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/readyz', '/version', '/version/', '/openapi', '/openapi/*'] },
  { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
  { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
];

const has = (list: string[] | undefined, value: string): boolean => (list ?? []).some((v) => v === '*' || v === value);

function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return (rule.resources ?? []).some((r) => r === '*' || r === combined || (subresource !== '' && r === `*/${subresource}`));
}

function nonResourceMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some((u) => u === '*' || u === path || (u.endsWith('*') && path.startsWith(u.slice(0, -1))));
}

export function ruleAllows(rule: PolicyRule, a: RequestAttributes): boolean {
  if (!has(rule.verbs, a.verb)) return false;
  if (!a.resourceRequest) return nonResourceMatches(rule, a.path);
  if (rule.namespaces && !rule.namespaces.includes(a.namespace)) return false;
  return (
    has(rule.apiGroups, a.apiGroup) &&
    resourceMatches(rule, a.resource, a.subresource) &&
    ((rule.resourceNames ?? []).length === 0 || (rule.resourceNames ?? []).includes(a.name))
  );
}

export class Authorizer {
  constructor(
    private readonly rules: PolicyRule[] | undefined,
    readonly user: string,
  ) {}

  authorize(a: RequestAttributes): Decision {
    if (DEFAULT_RULES.some((r) => ruleAllows(r, a))) return { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"' };
    if (!this.rules) return { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"' };
    const rule = this.rules.find((r) => ruleAllows(r, a));
    if (!rule) return { allowed: false, reason: '' };
    if (rule.namespaces) return { allowed: true, reason: `RBAC: allowed by RoleBinding "kube-double/${a.namespace}" of Role "kube-double" to User "${a.user}"` };
    return { allowed: true, reason: `RBAC: allowed by ClusterRoleBinding "kube-double" of ClusterRole "kube-double" to User "${a.user}"` };
  }
}

/** forbiddenMessage: what follows `<resource> "<name>" is forbidden: `. */
export function forbiddenMessage(a: RequestAttributes): string {
  if (!a.resourceRequest) return `User "${a.user}" cannot ${a.verb} path "${a.path}"`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  if (a.namespace) return `User "${a.user}" cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup}" in the namespace "${a.namespace}"`;
  return `User "${a.user}" cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup}" at the cluster scope`;
}
