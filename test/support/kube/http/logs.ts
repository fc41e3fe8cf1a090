/**
 * GET /api/v1/namespaces/<ns>/pods/<name>/log, as the pod log REST
 * (pkg/registry/core/pod/rest/log.go, LogLocation in pod/strategy.go) and
 * the kubelet's containerLogs answer it: text/plain; `container` may be
 * omitted only for single-container pods; `previous` reads the last
 * terminated instance; `timestamps` prefixes RFC3339Nano times;
 * `tailLines`, `sinceSeconds`, `sinceTime` and `limitBytes` filter;
 * `follow` streams until the container instance stops. Errors are the
 * upstream 400s ("a container name must be specified for pod x, choose one
 * of: [a b]", "container x is not valid for pod y", "pod x does not have a
 * host assigned", "container \"x\" in pod \"y\" is waiting to start: ...").
 */
import type { ServerResponse } from 'node:http';
import { badRequest, StatusError } from '../api/status.js';
import type { Obj } from '../lib/json.js';
import { nowNanos, parseNanos, rfc3339Nano } from '../lib/time.js';
import type { LogBuffer, LogLine } from '../kubelet/log-buffer.js';
import { isTrue } from './request-info.js';

export interface PodLogSource {
  /** The log of the current (or previous) instance of a container, or the error the kubelet would answer. */
  open(pod: Obj, container: string, previous: boolean): LogBuffer | StatusError;
}

function chooseContainer(pod: Obj, requested: string | null): string {
  const containers: Obj[] = pod.spec?.containers ?? [];
  const all = [...(pod.spec?.initContainers ?? []), ...containers].map((c: Obj) => c.name as string);
  if (!requested) {
    if (containers.length === 1) return containers[0]?.name;
    if (containers.length === 0) throw badRequest(`a container name must be specified for pod ${pod.metadata.name}`);
    throw badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${all.join(' ')}]`);
  }
  if (!all.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${pod.metadata.name}`);
  return requested;
}

export function servePodLog(source: PodLogSource, pod: Obj, url: URL, res: ServerResponse): void {
  const q = url.searchParams;
  const container = chooseContainer(pod, q.get('container'));
  if (!pod.spec?.nodeName) throw badRequest(`pod ${pod.metadata.name} does not have a host assigned`);
  if (q.get('sinceSeconds') && q.get('sinceTime')) throw badRequest('at most one of sinceTime or sinceSeconds may be specified');
  const opened = source.open(pod, container, isTrue(q.get('previous')));
  if (opened instanceof StatusError) throw opened;
  const timestamps = isTrue(q.get('timestamps'));
  const tail = q.get('tailLines') !== null ? Number(q.get('tailLines')) : undefined;
  const limitBytes = q.get('limitBytes') !== null ? Number(q.get('limitBytes')) : undefined;
  let since: bigint | undefined;
  if (q.get('sinceSeconds')) since = nowNanos() - BigInt(Math.floor(Number(q.get('sinceSeconds')) * 1e9));
  if (q.get('sinceTime')) {
    since = parseNanos(q.get('sinceTime') ?? '');
    if (since === undefined) throw badRequest(`sinceTime: Invalid value: ${JSON.stringify(q.get('sinceTime'))}`);
  }
  const keep = (l: LogLine): boolean => since === undefined || l.nanos >= since;
  const format = (l: LogLine): string => (timestamps ? `${rfc3339Nano(l.nanos)} ${l.text}\n` : `${l.text}\n`);
  let lines = opened.lines.filter(keep);
  if (tail !== undefined && tail >= 0) lines = tail === 0 ? [] : lines.slice(-tail);

  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  let written = 0;
  const write = (s: string): boolean => {
    if (limitBytes !== undefined) {
      const room = limitBytes - written;
      if (room <= 0) return false;
      const b = Buffer.from(s);
      res.write(b.subarray(0, room));
      written += Math.min(room, b.length);
      return written < limitBytes;
    }
    res.write(s);
    return true;
  };
  for (const l of lines) {
    if (!write(format(l))) {
      res.end();
      return;
    }
  }
  if (!isTrue(q.get('follow')) || opened.ended) {
    res.end();
    return;
  }
  const unsubscribe = opened.subscribe(
    (l) => {
      if (keep(l) && !write(format(l))) {
        unsubscribe();
        res.end();
      }
    },
    () => res.end(),
  );
  res.on('close', unsubscribe);
}
