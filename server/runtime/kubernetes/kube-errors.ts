/**
 * Translation of Kubernetes API failures into PaasError, at the adapter
 * (STYLE.md "Errors"): the Kubernetes client never leaks into the controller.
 * client-node 1.x rejects with an ApiException carrying the HTTP `code` and
 * the response `body` (a `Status` object as text or JSON, API conventions:
 * https://github.com/kubernetes/community/blob/master/contributors/devel/sig-architecture/api-conventions.md#response-status-kind);
 * a server it cannot reach shows up as a fetch error with a system `code`.
 */
import { PaasError } from '../../errors.js';

export interface KubeStatus {
  kind?: string;
  code?: number;
  reason?: string;
  message?: string;
  details?: { name?: string; kind?: string; causes?: { field?: string; message?: string; reason?: string }[] };
}

interface ClientError {
  code?: number | string;
  statusCode?: number;
  body?: unknown;
  message?: string;
  cause?: { code?: string };
}

/** HTTP status of a failed API call; undefined when no response came. */
export function kubeStatusCode(err: unknown): number | undefined {
  const e = err as ClientError | undefined;
  if (typeof e?.code === 'number') return e.code;
  if (typeof e?.statusCode === 'number') return e.statusCode;
  return undefined;
}

export const isNotFound = (err: unknown): boolean => kubeStatusCode(err) === 404;
export const isConflict = (err: unknown): boolean => kubeStatusCode(err) === 409;
export const isGone = (err: unknown): boolean => kubeStatusCode(err) === 410;
/** Worth another try: the server is busy or broken for now, or was not reached. */
export const isTransient = (err: unknown): boolean => {
  const code = kubeStatusCode(err);
  return code === undefined || code === 429 || code >= 500;
};

export function kubeStatusOf(err: unknown): KubeStatus | undefined {
  const body = (err as ClientError | undefined)?.body;
  if (typeof body === 'object' && body !== null) return body as KubeStatus;
  if (typeof body !== 'string') return undefined;
  try {
    return JSON.parse(body) as KubeStatus;
  } catch {
    return undefined;
  }
}

export interface KubeErrorContext {
  /** What we were doing: "create Deployment shop-v4-web in paas-shop". */
  action: string;
  /** Values that must not appear in the message (config vars). */
  secrets?: readonly string[];
}

export function translateKubeError(err: unknown, context: KubeErrorContext): PaasError {
  if (err instanceof PaasError) return err;
  const code = kubeStatusCode(err);
  const status = kubeStatusOf(err);
  const said = redact(status?.message ?? (err as ClientError | undefined)?.message ?? String(err), context.secrets ?? []);
  const cause = new Error(said);
  if (code === undefined) {
    const system = (err as ClientError | undefined)?.cause?.code ?? (typeof (err as ClientError).code === 'string' ? (err as ClientError).code : undefined);
    return new PaasError('UNAVAILABLE', `Cannot ${context.action}: the Kubernetes API did not answer (${system ?? said})`, {
      cause, hint: 'Check that the kubeconfig points at a running cluster and that paas-server can reach it.',
    });
  }
  switch (code) {
    case 401:
      return new PaasError('UNAVAILABLE', `Cannot ${context.action}: the Kubernetes API refused paas-server's credentials`, {
        cause, hint: 'Check the kubeconfig user or the ServiceAccount token paas-server runs with.',
      });
    case 403:
      return new PaasError('FORBIDDEN', `Cannot ${context.action}: ${said}`, {
        cause, hint: 'paas-server\'s ServiceAccount lacks this permission; the Helm chart\'s RBAC rules grant what the driver uses.',
      });
    case 404:
      return new PaasError('NOT_FOUND', `Cannot ${context.action}: ${said}`, { cause });
    case 409:
      return new PaasError('CONFLICT', `Cannot ${context.action}: ${said}`, { cause, hint: 'Something else changed the object at the same time; try again.' });
    case 410:
      return new PaasError('CONFLICT', `Cannot ${context.action}: ${said}`, { cause });
    case 422: {
      const fields = (status?.details?.causes ?? []).map((c) => ({ path: c.field ?? '', message: redact(c.message ?? c.reason ?? '', context.secrets ?? []) }));
      return new PaasError('VALIDATION_FAILED', `Cannot ${context.action}: the Kubernetes API refused the object: ${said}`, {
        cause, details: fields, hint: 'This is a paas bug or a cluster policy; the fields named say which.',
      });
    }
    default:
      return new PaasError('UNAVAILABLE', `Cannot ${context.action}: the Kubernetes API answered ${code}: ${said}`, { cause, hint: 'paas retries on its own; check the cluster if it persists.' });
  }
}

function redact(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of [...secrets].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)) out = out.split(secret).join('[redacted]');
  return out;
}
