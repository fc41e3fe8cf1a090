/**
 * `logs` for the Kubernetes driver: the history of every matching pod merged
 * by time, then (when following) new lines as pods write them, including
 * pods that start later and containers that restart. Kubelet serves each
 * container's log (`GET …/pods/NAME/log`, with `timestamps=true` every line
 * starts with an RFC 3339 time with nanoseconds). History and follow are two
 * requests per pod: the follow starts at the second of the last line shown
 * (`sinceTime` has second precision) and skips what was already shown.
 */
import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';
import type { Log, V1Pod } from '@kubernetes/client-node';
import type { InstanceFilter, LogLine, LogOptions } from '../runtime.js';
import { containerName, instanceName, parseReleaseLabel, LABELS } from './names.js';

export interface PodLogDeps {
  readLog(namespace: string, pod: string, container: string, tailLines: number | undefined): Promise<string>;
  follow: Log;
  /** Matching instance pods as the informer sees them now. */
  pods(filter: InstanceFilter): V1Pod[];
  /** Wakes the follower when pods change. */
  onPodsChanged(listener: () => void): () => void;
}

interface Timed {
  /** The timestamp as written (sortable: fixed-width RFC 3339 in UTC). */
  stamp: string;
  line: LogLine;
}

const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) (.*)$/s;

export function parseLogLine(text: string, pod: V1Pod): Timed | undefined {
  const match = STAMP.exec(text);
  if (!match) return undefined;
  const process = pod.metadata?.labels?.[LABELS.process] ?? '';
  return {
    stamp: normalize(match[1]!),
    line: {
      source: instanceName(process, pod.metadata?.name ?? ''),
      release: parseReleaseLabel(pod.metadata?.labels?.[LABELS.release]) ?? 0,
      // Kubelet's log endpoint merges both streams and does not say which a line came from.
      stream: 'stdout',
      time: new Date(match[1]!),
      line: match[2]!,
    },
  };
}

/** Pads fractional seconds to nine digits so timestamps compare as strings. */
function normalize(stamp: string): string {
  const [seconds, fraction = ''] = stamp.slice(0, -1).split('.');
  return `${seconds}.${fraction.padEnd(9, '0')}Z`;
}

export async function* streamPodLogs(deps: PodLogDeps, filter: InstanceFilter, options: LogOptions): AsyncGenerator<LogLine> {
  const { signal } = options;
  if (signal?.aborted) return;
  // Pods with no line in the history follow from here, so `tail: 0` means "only new lines".
  const startedAt = normalize(new Date().toISOString());
  const initial = deps.pods(filter);
  const histories = await Promise.all(initial.map(async (pod) => {
    const text = await deps.readLog(pod.metadata!.namespace!, pod.metadata!.name!, containerOf(pod), options.tail).catch(() => '');
    return text.split('\n').flatMap((t) => parseLogLine(t, pod) ?? []);
  }));
  const last = new Map<string, string>();
  for (const entry of histories.flat().sort((a, b) => (a.stamp < b.stamp ? -1 : a.stamp > b.stamp ? 1 : 0))) {
    if (signal?.aborted) return;
    last.set(entry.line.source, entry.stamp);
    yield entry.line;
  }
  if (!options.follow || signal?.aborted) return;
  for (const pod of initial) {
    const source = instanceName(pod.metadata?.labels?.[LABELS.process] ?? '', pod.metadata?.name ?? '');
    if (!last.has(source)) last.set(source, startedAt);
  }
  yield* follow(deps, filter, last, startedAt, signal);
}

async function* follow(deps: PodLogDeps, filter: InstanceFilter, last: Map<string, string>, startedAt: string, signal?: AbortSignal): AsyncGenerator<LogLine> {
  const queue: LogLine[] = [];
  const attached = new Map<string, AbortController>();
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const onAbort = () => notify();
  signal?.addEventListener('abort', onAbort, { once: true });

  const attach = async (pod: V1Pod) => {
    const name = pod.metadata!.name!;
    const source = instanceName(pod.metadata?.labels?.[LABELS.process] ?? '', name);
    const since = last.get(source) ?? startedAt;
    const sink = new PassThrough();
    const lines = createInterface({ input: sink });
    lines.on('line', (text) => {
      const entry = parseLogLine(text, pod);
      if (!entry || entry.stamp <= (last.get(source) ?? '')) return;
      last.set(source, entry.stamp);
      queue.push(entry.line);
      notify();
    });
    try {
      const controller = await deps.follow.log(pod.metadata!.namespace!, name, containerOf(pod), sink, {
        follow: true, timestamps: true, sinceTime: `${since.slice(0, 19)}Z`,
      });
      attached.set(name, controller);
    } catch {
      // Not running (yet, or any more): the next change of the pods tries again.
      attached.delete(name);
    }
    sink.once('finish', () => attached.delete(name));
    sink.once('close', () => attached.delete(name));
  };

  const poll = () => {
    for (const pod of deps.pods(filter)) {
      const name = pod.metadata?.name;
      const running = pod.status?.containerStatuses?.[0]?.state?.running !== undefined;
      if (name && running && !attached.has(name)) {
        attached.set(name, new AbortController());
        void attach(pod);
      }
    }
  };
  const unsubscribe = deps.onPodsChanged(poll);
  try {
    poll();
    while (!signal?.aborted) {
      const line = queue.shift();
      if (line) {
        yield line;
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    unsubscribe();
    signal?.removeEventListener('abort', onAbort);
    for (const controller of attached.values()) controller.abort();
  }
}

function containerOf(pod: V1Pod): string {
  return pod.spec?.containers?.[0]?.name ?? containerName(pod.metadata?.labels?.[LABELS.process] ?? '');
}
