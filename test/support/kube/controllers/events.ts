/**
 * core/v1 Events as client-go's record.EventRecorder writes them
 * (tools/record/event.go, events_cache.go): named <object>.<hex>, with
 * involvedObject, reason, message, source component and host, first and
 * last timestamps, and a count that grows when the same event repeats
 * instead of a new object per occurrence. Failures to record are ignored,
 * as the recorder does (an event in a terminating namespace is refused).
 */
import type { Obj } from '../lib/json.js';
import { randomHex } from '../lib/random.js';
import { metaTime } from '../lib/time.js';
import type { ApiServer } from '../apiserver/api-server.js';

export type EventType = 'Normal' | 'Warning';

export class EventRecorder {
  private readonly seen = new Map<string, string>();

  constructor(
    private readonly api: ApiServer,
    private readonly now: () => number,
  ) {}

  record(involved: Obj, type: EventType, reason: string, message: string, component: string, fieldPath?: string): void {
    const ns = involved.metadata?.namespace || 'default';
    const kind = this.api.kind('events');
    const key = [involved.metadata?.uid, reason, message, component, fieldPath ?? ''].join('\u0000');
    const when = metaTime(this.now());
    try {
      const existingName = this.seen.get(key);
      const existing = existingName ? this.api.tryGet(kind, ns, existingName) : undefined;
      if (existing) {
        this.api.update(kind, ns, existing.metadata.name, { ...existing, count: (existing.count ?? 1) + 1, lastTimestamp: when });
        return;
      }
      const name = `${involved.metadata?.name}.${randomHex(8)}`;
      const involvedObject: Obj = {
        kind: involved.kind,
        namespace: involved.metadata?.namespace,
        name: involved.metadata?.name,
        uid: involved.metadata?.uid,
        apiVersion: involved.apiVersion,
        resourceVersion: involved.metadata?.resourceVersion,
      };
      if (fieldPath) involvedObject.fieldPath = fieldPath;
      const source: Obj = { component };
      if (component === 'kubelet') source.host = 'double-node';
      this.api.create(kind, ns, {
        metadata: { name, namespace: ns },
        involvedObject,
        reason,
        message,
        source,
        firstTimestamp: when,
        lastTimestamp: when,
        count: 1,
        type,
        reportingComponent: component,
        reportingInstance: component === 'kubelet' ? 'double-node' : '',
      });
      this.seen.set(key, name);
    } catch {
      // the recorder drops events it cannot write (namespace terminating or gone)
    }
  }
}
