/**
 * Bytes of the route watch stream (`GET /v1/routes?watch=1`), both ways:
 * newline-delimited JSON (https://github.com/ndjson/ndjson-spec), one
 * RouteEvent per line, as described in route-table.ts. The control plane
 * writes with `encodeRouteEvent`; the router reads with `RouteLineSplitter`
 * and `parseRouteEvent`. No transport here.
 */
import { z } from 'zod';
import { PaasError } from '../server/errors.js';
import type { RouteEvent } from './route-table.js';

export const ROUTE_STREAM_CONTENT_TYPE = 'application/x-ndjson';

/** A line longer than this is a broken peer, not a big table. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

const EndpointSchema = z.object({
  id: z.string(),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
});

const ReleaseSchema = z.object({
  release: z.number().int().min(0),
  weight: z.number().min(0).max(100),
  endpoints: z.array(EndpointSchema),
});

const AppRouteSchema = z.object({ app: z.string(), releases: z.array(ReleaseSchema) });

const SnapshotSchema = z.object({
  type: z.literal('snapshot'),
  revision: z.number().int(),
  routes: z.record(z.string(), AppRouteSchema),
});

const AppChangeSchema = z.object({
  type: z.literal('app'),
  revision: z.number().int(),
  app: z.string().min(1),
  route: AppRouteSchema.nullable(),
});

export function encodeRouteEvent(event: RouteEvent): string {
  return `${JSON.stringify(event)}\n`;
}

/**
 * One line to an event. Unknown event types give undefined, so a newer
 * control plane can add events without breaking older routers; a malformed
 * line is an error that names the problem.
 */
export function parseRouteEvent(line: string): RouteEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    throw new PaasError('BAD_REQUEST', 'Route stream line is not JSON', { cause: err });
  }
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  if (type === 'heartbeat') return { type: 'heartbeat' };
  if (type !== 'snapshot' && type !== 'app') return undefined;
  const parsed = (type === 'snapshot' ? SnapshotSchema : AppChangeSchema).safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new PaasError('BAD_REQUEST', `Route ${type} line is invalid: ${problems.slice(0, 5).join('; ')}`);
  }
  return parsed.data;
}

/** Splits decoded text into complete lines, keeping the unfinished tail. */
export class RouteLineSplitter {
  private tail = '';

  push(text: string): string[] {
    const data = this.tail + text;
    const lines = data.split('\n');
    this.tail = lines.pop() ?? '';
    if (this.tail.length > MAX_LINE_BYTES) {
      this.tail = '';
      throw new PaasError('PAYLOAD_TOO_LARGE', `Route stream line exceeds ${MAX_LINE_BYTES} bytes`);
    }
    return lines.filter((line) => line.trim() !== '');
  }
}
