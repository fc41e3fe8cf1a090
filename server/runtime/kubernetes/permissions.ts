/**
 * The start-up check: every permission the driver uses, asked of the API
 * server with SelfSubjectAccessReviews, so a missing RBAC rule stops the
 * start with the exact rule to add instead of failing the first deploy.
 * Per-app namespaces do not exist yet, so namespaced rights are asked for
 * all namespaces (a ClusterRole, as the Helm chart grants).
 */
import { PaasError } from '../../errors.js';
import type { KubeClients } from './kube-clients.js';
import { translateKubeError } from './kube-errors.js';

export interface Permission {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
}

/** What the driver calls: keep in step with kubernetes-runtime.ts (a test compares them). */
export const REQUIRED_PERMISSIONS: readonly Permission[] = [
  ...['create', 'get', 'delete'].map((verb) => ({ verb, group: '', resource: 'namespaces' })),
  ...['list', 'watch', 'create', 'get', 'patch', 'delete'].map((verb) => ({ verb, group: 'apps', resource: 'deployments' })),
  ...['list', 'watch'].map((verb) => ({ verb, group: '', resource: 'pods' })),
  { verb: 'get', group: '', resource: 'pods', subresource: 'log' },
  ...['list', 'watch'].map((verb) => ({ verb, group: 'discovery.k8s.io', resource: 'endpointslices' })),
  ...['create', 'patch'].map((verb) => ({ verb, group: '', resource: 'services' })),
  ...['create', 'get', 'patch', 'delete'].map((verb) => ({ verb, group: '', resource: 'secrets' })),
  ...['create', 'delete'].map((verb) => ({ verb, group: 'batch', resource: 'jobs' })),
];

export function describePermission(p: Permission): string {
  return `${p.verb} ${p.resource}${p.subresource ? `/${p.subresource}` : ''}${p.group ? `.${p.group}` : ''}`;
}

export async function checkPermissions(clients: KubeClients, required: readonly Permission[] = REQUIRED_PERMISSIONS): Promise<void> {
  const answers = await Promise.all(required.map(async (p) => {
    try {
      const review = await clients.authz.createSelfSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { verb: p.verb, group: p.group, resource: p.resource, ...(p.subresource ? { subresource: p.subresource } : {}) } },
        },
      });
      return { p, allowed: review.status?.allowed === true };
    } catch (err) {
      throw translateKubeError(err, { action: 'check paas-server\'s permissions (SelfSubjectAccessReview)' });
    }
  }));
  const missing = answers.filter((a) => !a.allowed).map((a) => describePermission(a.p));
  if (missing.length > 0) {
    throw new PaasError('FORBIDDEN', `paas-server may not ${missing.join(', ')} in all namespaces`, {
      hint: 'Grant them to its ServiceAccount (the Helm chart\'s ClusterRole has them), then start it again.',
    });
  }
}
