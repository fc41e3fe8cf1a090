/**
 * Status errors exactly as kube-apiserver writes them: the metav1.Status
 * body, its reason and code, and the message formats of apimachinery
 * pkg/api/errors/errors.go (NewNotFound, NewAlreadyExists, NewConflict,
 * NewInvalid, NewForbidden, NewResourceExpired, NewTooManyRequests, ...).
 * A client only ever sees these bodies, so their wording is part of the
 * protocol the double must honour.
 */
import { formatAggregate, type FieldError } from './field-errors.js';

export const StatusReason = {
  BadRequest: 'BadRequest',
  Unauthorized: 'Unauthorized',
  Forbidden: 'Forbidden',
  NotFound: 'NotFound',
  MethodNotAllowed: 'MethodNotAllowed',
  NotAcceptable: 'NotAcceptable',
  AlreadyExists: 'AlreadyExists',
  Conflict: 'Conflict',
  Gone: 'Gone',
  Expired: 'Expired',
  RequestEntityTooLarge: 'RequestEntityTooLarge',
  UnsupportedMediaType: 'UnsupportedMediaType',
  Invalid: 'Invalid',
  TooManyRequests: 'TooManyRequests',
  InternalError: 'InternalError',
  ServiceUnavailable: 'ServiceUnavailable',
  Timeout: 'Timeout',
  Unknown: '',
} as const;
export type StatusReason = (typeof StatusReason)[keyof typeof StatusReason];

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** group + resource, as errors name what they refer to ("deployments.apps"). */
export interface GroupResource {
  group: string;
  resource: string;
}

export function qualifiedResource(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

export class StatusError extends Error {
  constructor(
    readonly status: Status,
    readonly headers: Record<string, string> = {},
  ) {
    super(status.message ?? status.reason ?? `status ${status.code}`);
    this.name = 'StatusError';
  }

  get code(): number {
    return this.status.code;
  }
}

export function makeStatus(code: number, reason: string, message: string, details?: StatusDetails): Status {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details) status.details = details;
  if (!reason) delete status.reason;
  return status;
}

function err(code: number, reason: string, message: string, details?: StatusDetails, headers?: Record<string, string>): StatusError {
  return new StatusError(makeStatus(code, reason, message, details), headers);
}

export function notFound(gr: GroupResource, name: string): StatusError {
  return err(404, StatusReason.NotFound, `${qualifiedResource(gr)} "${name}" not found`, { name, group: gr.group || undefined, kind: gr.resource });
}

/** The apiserver's answer for a path it does not serve (no such resource or subresource). */
export function resourceNotFound(): StatusError {
  return err(404, StatusReason.NotFound, 'the server could not find the requested resource', {});
}

export function alreadyExists(gr: GroupResource, name: string): StatusError {
  return err(409, StatusReason.AlreadyExists, `${qualifiedResource(gr)} "${name}" already exists`, { name, group: gr.group || undefined, kind: gr.resource });
}

export function conflict(gr: GroupResource, name: string, cause: string): StatusError {
  return err(409, StatusReason.Conflict, `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${cause}`, {
    name,
    group: gr.group || undefined,
    kind: gr.resource,
  });
}

export const OPTIMISTIC_LOCK_MESSAGE = 'the object has been modified; please apply your changes to the latest version and try again';

/** NewInvalid: the kind is qualified by group ("Deployment.apps"), causes carry one field error each. */
export function invalid(gk: { group: string; kind: string }, name: string, errors: FieldError[]): StatusError {
  const qualified = gk.group ? `${gk.kind}.${gk.group}` : gk.kind;
  const aggregate = formatAggregate(errors);
  return err(422, StatusReason.Invalid, aggregate ? `${qualified} "${name}" is invalid: ${aggregate}` : `${qualified} "${name}" is invalid`, {
    name,
    group: gk.group || undefined,
    kind: gk.kind,
    causes: errors.map((e) => ({ reason: e.type.cause, message: e.body, field: e.field })),
  });
}

export function forbidden(gr: GroupResource, name: string, message: string, causes?: StatusCause[]): StatusError {
  const subject = name ? `${qualifiedResource(gr)} "${name}"` : qualifiedResource(gr);
  const details: StatusDetails = { name: name || undefined, group: gr.group || undefined, kind: gr.resource };
  if (causes) details.causes = causes;
  return err(403, StatusReason.Forbidden, `${subject} is forbidden: ${message}`, details);
}

export function unauthorized(): StatusError {
  return err(401, StatusReason.Unauthorized, 'Unauthorized');
}

export function badRequest(message: string): StatusError {
  return err(400, StatusReason.BadRequest, message);
}

export function methodNotAllowed(): StatusError {
  return err(405, StatusReason.MethodNotAllowed, 'the server does not allow this method on the requested resource', {});
}

export function notAcceptable(accepted: string[]): StatusError {
  return err(406, StatusReason.NotAcceptable, `only the following media types are accepted: ${accepted.join(', ')}`);
}

export function unsupportedMediaType(accepted: string[], note = ''): StatusError {
  return err(415, StatusReason.UnsupportedMediaType, `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}${note}`);
}

export function requestEntityTooLarge(limit: number): StatusError {
  return err(413, StatusReason.RequestEntityTooLarge, `Request entity too large: limit is ${limit}`);
}

/** NewResourceExpired: 410 with reason Expired ("too old resource version: 5 (10)"). */
export function expired(message: string): StatusError {
  return err(410, StatusReason.Expired, message);
}

export function tooManyRequests(message = 'Too many requests, please try again later.', retryAfterSeconds = 1): StatusError {
  return err(429, StatusReason.TooManyRequests, message, { retryAfterSeconds }, { 'Retry-After': String(retryAfterSeconds) });
}

export function internalError(message: string): StatusError {
  return err(500, StatusReason.InternalError, `Internal error occurred: ${message}`, { causes: [{ message }] });
}

/** NewGenericServerResponse-style error for any code, with the upstream default reason for it. */
export function statusForCode(code: number, reason?: string, message?: string): StatusError {
  const defaults: Record<number, [string, string]> = {
    400: [StatusReason.BadRequest, 'the server rejected our request for an unknown reason'],
    401: [StatusReason.Unauthorized, 'Unauthorized'],
    403: [StatusReason.Forbidden, 'forbidden'],
    404: [StatusReason.NotFound, 'the server could not find the requested resource'],
    405: [StatusReason.MethodNotAllowed, 'the server does not allow this method on the requested resource'],
    409: [StatusReason.Conflict, 'the server reported a conflict'],
    410: [StatusReason.Expired, 'the resource version is too old'],
    422: [StatusReason.Invalid, 'the server rejected our request due to an error in our request'],
    429: [StatusReason.TooManyRequests, 'Too many requests, please try again later.'],
    500: [StatusReason.InternalError, 'an error on the server ("") has prevented the request from succeeding'],
    503: [StatusReason.ServiceUnavailable, 'the server is currently unable to handle the request'],
    504: [StatusReason.Timeout, 'the server was unable to return a response in the time allotted, but may still be processing the request'],
  };
  const [defReason, defMessage] = defaults[code] ?? [StatusReason.Unknown, `the server responded with the status code ${code} but did not return more information`];
  const headers: Record<string, string> = {};
  let details: StatusDetails | undefined;
  if (code === 429 || code === 503 || code === 504) {
    headers['Retry-After'] = '1';
    details = { retryAfterSeconds: 1 };
  }
  return err(code, reason ?? defReason, message ?? defMessage, details, headers);
}

/** The Status a DELETE answers when the object is gone and the kind does not return it (finalizeDelete: no code). */
export function successStatus(details: StatusDetails): Status {
  const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details } as Omit<Status, 'code'>;
  return status as Status;
}
