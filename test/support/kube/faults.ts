/**
 * Fault injection: what a flaky network or a struggling apiserver does to
 * a client. `failNext` answers the next N matching requests with a given
 * status and a proper Status body (429 and 503 carry Retry-After);
 * `latency` delays every response; the watch faults live in the watch hub
 * (drop = connections cut without a final chunk, stall = open but silent,
 * not even bookmarks); `compact` forgets watch history and list snapshots
 * so resuming from an old resourceVersion gets 410.
 */
import { statusForCode, tooManyRequests, type StatusError } from './api/status.js';

export interface FailureSpec {
  verb?: string;
  resource?: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  status: number;
  reason?: string;
  message?: string;
  /** How many matching requests fail (default 1). */
  times?: number;
}

export interface RequestFacts {
  verb: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

export class FailureQueue {
  private rules: (FailureSpec & { left: number })[] = [];

  add(spec: FailureSpec): void {
    this.rules.push({ ...spec, left: spec.times ?? 1 });
  }

  clear(): void {
    this.rules = [];
  }

  /** The injected error for this request, if a rule matches (consuming one of its uses). */
  take(r: RequestFacts): StatusError | undefined {
    const rule = this.rules.find(
      (f) =>
        f.left > 0 &&
        (f.verb === undefined || f.verb === r.verb) &&
        (f.resource === undefined || f.resource === r.resource) &&
        (f.subresource === undefined || f.subresource === r.subresource) &&
        (f.namespace === undefined || f.namespace === r.namespace) &&
        (f.name === undefined || f.name === r.name),
    );
    if (!rule) return undefined;
    rule.left--;
    this.rules = this.rules.filter((f) => f.left > 0);
    if (rule.status === 429 && !rule.reason) return tooManyRequests(rule.message);
    return statusForCode(rule.status, rule.reason, rule.message);
  }
}
