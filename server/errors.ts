/**
 * One error type for the whole platform. Every failure a user can meet has a
 * code, a message saying what was wrong, and a hint saying what to do next.
 * The HTTP status lives in one table keyed by code, so adding a code without
 * deciding its status fails to compile (the trpc getHTTPStatusCode pattern).
 */

export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 422,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  APP_NOT_FOUND: 404,
  RELEASE_NOT_FOUND: 404,
  BUILD_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  TOKEN_NOT_FOUND: 404,
  APP_EXISTS: 409,
  USER_EXISTS: 409,
  CONFLICT: 409,
  DEPLOY_IN_PROGRESS: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  BUILD_FAILED: 422,
  BUILD_TIMEOUT: 422,
  RELEASE_FAILED: 422,
  PUSH_REJECTED: 422,
  NOT_READY: 503,
  UNAVAILABLE: 503,
  INTERNAL: 500,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The wire shape of every API error. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  hint?: string;
  details?: ValidationIssue[];
}

export interface ValidationIssue {
  path: string;
  message: string;
}

export interface PaasErrorOptions {
  hint?: string;
  cause?: unknown;
  details?: ValidationIssue[];
}

export class PaasError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: ValidationIssue[] | undefined;

  constructor(code: ErrorCode, message: string, options: PaasErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PaasError';
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { code: this.code, message: this.message };
    if (this.hint !== undefined) body.hint = this.hint;
    if (this.details !== undefined) body.details = this.details;
    return body;
  }
}

export function isPaasError(err: unknown): err is PaasError {
  return err instanceof PaasError;
}
