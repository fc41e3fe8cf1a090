/**
 * authorization.k8s.io/v1 SelfSubjectAccessReview: create-only and never
 * stored (pkg/registry/authorization/selfsubjectaccessreview/rest.go); the
 * answer comes from the same authorizer that guards every request.
 */
import { SelfSubjectAccessReview } from 'kubernetes-models/authorization.k8s.io/v1/SelfSubjectAccessReview';
import { fieldError } from '../api/field-errors.js';
import { nameIsPathSegment } from '../validation/names.js';
import type { KindDef } from './kind.js';

export const selfSubjectAccessReviewKind: KindDef = {
  group: 'authorization.k8s.io',
  version: 'v1',
  kind: 'SelfSubjectAccessReview',
  resource: 'selfsubjectaccessreviews',
  singular: 'selfsubjectaccessreview',
  namespaced: false,
  verbs: ['create'],
  model: SelfSubjectAccessReview,
  nameValidator: nameIsPathSegment,

  validate(obj) {
    const spec = obj.spec ?? {};
    const has = [spec.resourceAttributes, spec.nonResourceAttributes].filter((x) => x !== undefined).length;
    if (has === 0) return [fieldError.required('spec.resourceAttributes', 'exactly one of nonResourceAttributes or resourceAttributes must be specified')];
    if (has === 2) return [fieldError.invalid('spec.nonResourceAttributes', spec.nonResourceAttributes, 'cannot be specified in combination with resourceAttributes')];
    return [];
  },

  virtualCreate(obj, ctx) {
    const decision = ctx.authorize(obj.spec);
    return { ...obj, status: { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) } };
  },
};
