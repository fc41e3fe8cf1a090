/**
 * `logs` for the Docker driver: the history of every matching instance merged
 * by timestamp, then (when following) new lines as they arrive.
 *
 * History and follow are two requests per container: a non-followed read
 * (bounded by `tail`) that we can sort, then a followed read with
 * `since` = one nanosecond after the last line shown, so nothing is shown
 * twice or lost in between. A followed stream ends when its container stops;
 * a poll every `pollMs` re-opens it when the container runs again (a crash
 * restart keeps the container id) and picks up instances that started
 * after the command began. Everything stops when `signal` aborts or the
 * consumer leaves the loop.
 */
import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import type { InstanceFilter, LogLine, LogOptions } from '../runtime.js';
import { isNotFound } from './docker-errors.js';
import { createFrameDecoder, createLineAssembler, nsToDate, parseLogBuffer, sinceAfter, type RawLogLine } from './log-frames.js';

export interface LogTarget {
  id: string;
  /** web.1 */
  source: string;
  release: number;
  running: boolean;
}

export interface LogDeps {
  docker: Dockerode;
  /** Matching instance containers, all states. */
  listTargets(filter: InstanceFilter): Promise<LogTarget[]>;
  pollMs: number;
}

/** Queue bounds: pause the engine's streams while a slow reader catches up. */
const HIGH_WATER = 2000;
const LOW_WATER = 500;

function toLogLine(target: LogTarget, raw: RawLogLine): LogLine {
  return { source: target.source, release: target.release, stream: raw.stream, time: nsToDate(raw.ns), line: raw.line };
}

/** One container's stored lines (oldest first); a container removed meanwhile has none. */
export async function readHistory(docker: Dockerode, id: string, tail?: number): Promise<RawLogLine[]> {
  try {
    const buffer = await docker.getContainer(id).logs({ follow: false, stdout: true, stderr: true, timestamps: true, tail: tail ?? 'all' } as never);
    return parseLogBuffer(Buffer.isBuffer(buffer) ? buffer : Buffer.from(String(buffer ?? '')));
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
}

/** Stable merge by time; ties keep per-container order. */
export function mergeByTime<T extends { ns: bigint }>(lists: T[][]): T[] {
  return lists.flat().map((item, i) => ({ item, i })).sort((a, b) => (a.item.ns < b.item.ns ? -1 : a.item.ns > b.item.ns ? 1 : a.i - b.i)).map((x) => x.item);
}

export async function* streamLogs(deps: LogDeps, filter: InstanceFilter, options: LogOptions): AsyncGenerator<LogLine> {
  const { signal } = options;
  if (signal?.aborted) return;
  // Instances with no line in the history follow from here, so `tail: 0` means "only new lines".
  const historyStart = BigInt(Date.now()) * 1_000_000n;
  const targets = await deps.listTargets(filter);
  const histories = await Promise.all(targets.map(async (target) => (await readHistory(deps.docker, target.id, options.tail)).map((raw) => ({ ...raw, target }))));
  const lastNs = new Map<string, bigint>();
  for (const entry of mergeByTime(histories)) {
    if (signal?.aborted) return;
    lastNs.set(entry.target.id, entry.ns);
    yield toLogLine(entry.target, entry);
  }
  if (!options.follow || signal?.aborted) return;
  for (const target of targets) if (!lastNs.has(target.id)) lastNs.set(target.id, historyStart - 1n);
  yield* follow(deps, filter, targets, lastNs, signal);
}

async function* follow(deps: LogDeps, filter: InstanceFilter, initial: LogTarget[], lastNs: Map<string, bigint>, signal?: AbortSignal): AsyncGenerator<LogLine> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });

  const queue: LogLine[] = [];
  const streams = new Map<string, Readable>();
  /** Containers with a stream open or being opened: never attach twice. */
  const attached = new Set<string>();
  const known = new Set<string>();
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  stop.signal.addEventListener('abort', notify, { once: true });

  const open = async (target: LogTarget) => {
    known.add(target.id);
    attached.add(target.id);
    const last = lastNs.get(target.id);
    let stream: Readable;
    try {
      stream = (await deps.docker.getContainer(target.id).logs({
        follow: true, stdout: true, stderr: true, timestamps: true,
        since: last === undefined ? 0 : sinceAfter(last), abortSignal: stop.signal,
      } as never)) as unknown as Readable;
    } catch (err) {
      attached.delete(target.id);
      // Removed before we could attach (404) or aborted while attaching: nothing to read from it.
      if (isNotFound(err) || stop.signal.aborted) return;
      throw err;
    }
    if (stop.signal.aborted) {
      stream.destroy();
      return;
    }
    streams.set(target.id, stream);
    const decoder = createFrameDecoder();
    const assembler = createLineAssembler();
    const emit = (lines: RawLogLine[]) => {
      for (const raw of lines) {
        lastNs.set(target.id, raw.ns);
        queue.push(toLogLine(target, raw));
      }
      if (queue.length > HIGH_WATER) for (const s of streams.values()) s.pause();
      if (lines.length > 0) notify();
    };
    stream.on('data', (chunk: Buffer) => emit(decoder.push(chunk).flatMap((frame) => assembler.push(frame))));
    // A followed stream ends when the container stops, and errors when it is removed or we abort: either way it is done.
    const done = () => {
      if (streams.get(target.id) === stream) {
        streams.delete(target.id);
        attached.delete(target.id);
      }
      emit(assembler.flush());
    };
    stream.once('end', done);
    stream.once('close', done);
    stream.once('error', done);
  };

  const poll = async () => {
    const targets = await deps.listTargets(filter);
    await Promise.all(targets.filter((t) => !attached.has(t.id) && (!known.has(t.id) || t.running)).map(open));
  };

  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    if (stop.signal.aborted) return;
    timer = setTimeout(() => {
      poll().then(schedule, (err: unknown) => {
        failure = err;
        notify();
      });
    }, deps.pollMs);
  };

  try {
    await Promise.all(initial.map(open));
    schedule();
    while (!stop.signal.aborted) {
      const line = queue.shift();
      if (line) {
        if (queue.length === LOW_WATER) for (const s of streams.values()) s.resume();
        yield line;
        continue;
      }
      if (failure !== undefined) throw failure;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    stop.abort();
    clearTimeout(timer);
    for (const stream of streams.values()) stream.destroy();
  }
}
