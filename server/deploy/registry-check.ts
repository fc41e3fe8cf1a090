/**
 * The start-up check of the image registry: releases are pushed there (and
 * on Kubernetes pulled from there), so a wrong address must stop the start,
 * not fail the first push. Any answer of the registry API's base endpoint
 * (`GET /v2/`: 200, or 401 when it wants credentials) means it is there
 * (Docker Registry HTTP API V2, "API Version Check"). Like the Docker engine,
 * HTTPS is tried first, then plain HTTP.
 */
import { PaasError } from '../errors.js';

export async function checkRegistry(registry: string, timeoutMs = 5000): Promise<void> {
  const problems: string[] = [];
  for (const scheme of ['https', 'http']) {
    try {
      const response = await fetch(`${scheme}://${registry}/v2/`, { signal: AbortSignal.timeout(timeoutMs) });
      await response.body?.cancel();
      if (response.status === 200 || response.status === 401) return;
      problems.push(`${scheme}: answered ${response.status}`);
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      problems.push(`${scheme}: ${cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err))}`);
    }
  }
  throw new PaasError('UNAVAILABLE', `The registry ${registry} does not answer (${problems.join('; ')})`, {
    hint: 'Start it, or fix PAAS_REGISTRY (host:port of a Docker registry).',
  });
}
