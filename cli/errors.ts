/**
 * The CLI's one error type. Server failures arrive as the API's wire shape
 * (`{ code, message, hint }`, see server/errors.ts) and are translated here
 * at the adapter; local failures (not logged in, bad arguments, server not
 * reachable) use the same shape so `run.ts` prints every error one way:
 * `Error: <message>` and, when there is one, `Hint: <next step>`.
 *
 * It is not server/errors.ts's PaasError because the codes differ: the CLI
 * must carry codes it does not know (a newer server) and codes only it has
 * (USAGE, NOT_LOGGED_IN, UNREACHABLE); the wire codes pass through unchanged.
 */

export const CLI_ERROR_CODES = {
  /** Wrong arguments or flags: exit 2, like most Unix tools. */
  USAGE: 2,
  NOT_LOGGED_IN: 1,
  UNREACHABLE: 1,
  BAD_RESPONSE: 1,
  NO_APP: 1,
  GIT_FAILED: 1,
  CONFIG_FILE: 1,
  CONFIRMATION_REQUIRED: 1,
  CONFIG_VAR_NOT_SET: 1,
  CANCELLED: 130,
} as const;

export type LocalErrorCode = keyof typeof CLI_ERROR_CODES;

export interface CliErrorOptions {
  hint?: string;
  /** HTTP status when the error came from the server. */
  status?: number;
  details?: { path: string; message: string }[];
  cause?: unknown;
}

export class CliError extends Error {
  /** A LocalErrorCode or whatever code the server sent (e.g. APP_NOT_FOUND). */
  readonly code: string;
  readonly hint: string | undefined;
  readonly status: number | undefined;
  readonly details: { path: string; message: string }[] | undefined;

  constructor(code: string, message: string, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.code = code;
    this.hint = options.hint;
    this.status = options.status;
    this.details = options.details;
  }

  get exitCode(): number {
    return (CLI_ERROR_CODES as Record<string, number>)[this.code] ?? 1;
  }
}

export function usageError(message: string, hint?: string): CliError {
  return new CliError('USAGE', message, hint === undefined ? {} : { hint });
}

export function isCliError(err: unknown): err is CliError {
  return err instanceof CliError;
}
