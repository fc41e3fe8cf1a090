/**
 * Request body validation: a zod schema per route, strict (unknown fields are
 * errors, so a misspelt field never silently does nothing), every problem
 * reported with its path.
 */
import type { z } from 'zod';
import { PaasError } from '../errors.js';

export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    path: issue.path.join('.') || '(body)',
    message: issue.code === 'unrecognized_keys' ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}` : issue.message,
  }));
  throw new PaasError('VALIDATION_FAILED', `Invalid request: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, { details });
}
