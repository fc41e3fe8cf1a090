/**
 * The built-in kinds the double serves, in discovery order.
 */
import { selfSubjectAccessReviewKind } from './access-review.js';
import { deploymentKind } from './deployment.js';
import { endpointSliceKind } from './endpointslice.js';
import { jobKind } from './job.js';
import type { KindDef } from './kind.js';
import { namespaceKind } from './namespace.js';
import { podKind } from './pod.js';
import { replicaSetKind } from './replicaset.js';
import { configMapKind, secretKind } from './secret.js';
import { serviceKind } from './service.js';
import { eventKind, serviceAccountKind } from './small-kinds.js';

export function builtinKinds(): KindDef[] {
  return [
    namespaceKind,
    podKind,
    serviceKind,
    secretKind,
    configMapKind,
    eventKind,
    serviceAccountKind,
    deploymentKind,
    replicaSetKind,
    endpointSliceKind,
    jobKind,
    selfSubjectAccessReviewKind,
  ];
}
