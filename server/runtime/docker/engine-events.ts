/**
 * Follows the engine's event stream (`GET /events`, filtered to this
 * installation's containers) so the driver's cache learns of every start,
 * exit and removal as it happens, instead of listing containers per
 * operation. The stream has no heartbeat and ends when the engine restarts:
 * on any end or error it reconnects with back-off and asks for a full resync
 * (events missed meanwhile are not replayed), and a slow periodic resync is
 * the safety net for an event that never came. Docker API: "Monitor events",
 * https://docs.docker.com/reference/api/engine/version/v1.43/#tag/System/operation/SystemEvents
 */
import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';

export interface ContainerEvent {
  id: string;
  /** create, start, die, stop, destroy, restart, oom, … */
  action: string;
  labels: Record<string, string>;
}

export interface EngineEventsOptions {
  docker: Dockerode;
  /** `key=value` label filters, all of which must match. */
  labels: string[];
  onEvent(event: ContainerEvent): void;
  /** Compare the cache with a full listing (after a reconnect, and periodically). */
  resync(): Promise<void>;
  resyncMs: number;
  log(line: string): void;
}

const MIN_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 5000;

export function followEngineEvents(options: EngineEventsOptions): { stop(): void } {
  let stopped = false;
  let stream: Readable | undefined;
  let backoff = MIN_BACKOFF_MS;
  let lastProblem = '';
  let resyncing: Promise<void> | undefined;

  const resync = () => {
    resyncing ??= options.resync()
      .then(() => {
        if (lastProblem !== '') options.log('docker events: engine reachable again');
        lastProblem = '';
      })
      .catch((err: unknown) => report(`resync failed: ${describe(err)}`))
      .finally(() => (resyncing = undefined));
    return resyncing;
  };
  const report = (problem: string) => {
    if (problem !== lastProblem) options.log(`docker events: ${problem}`);
    lastProblem = problem;
  };

  const connect = async (): Promise<void> => {
    if (stopped) return;
    try {
      const events = (await options.docker.getEvents({ filters: { type: ['container'], label: options.labels } })) as unknown as Readable;
      if (stopped) {
        events.destroy();
        return;
      }
      stream = events;
      backoff = MIN_BACKOFF_MS;
      // Whatever happened while no stream was open is only visible in a listing.
      void resync();
      let buffered = '';
      events.setEncoding('utf8');
      events.on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) handleLine(line);
      });
      events.once('error', (err) => report(`stream failed: ${describe(err)}`));
      events.once('close', () => retry());
    } catch (err) {
      report(`cannot follow events: ${describe(err)}`);
      retry();
    }
  };

  const handleLine = (line: string) => {
    if (line.trim() === '') return;
    try {
      const event = JSON.parse(line) as { Type?: string; Action?: string; Actor?: { ID?: string; Attributes?: Record<string, string> } };
      if (event.Type !== 'container' || !event.Actor?.ID || !event.Action) return;
      options.onEvent({ id: event.Actor.ID, action: event.Action.split(':')[0]!, labels: event.Actor.Attributes ?? {} });
    } catch {
      // A line that is not JSON is not an event; the periodic resync covers anything missed.
    }
  };

  const retry = () => {
    stream = undefined;
    if (stopped) return;
    const wait = backoff;
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    setTimeout(() => void connect(), wait).unref();
  };

  const timer = setInterval(() => void resync(), options.resyncMs);
  timer.unref();
  void connect();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
      stream?.destroy();
    },
  };
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
