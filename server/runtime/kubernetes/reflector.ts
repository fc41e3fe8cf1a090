/**
 * A list + watch cache of one resource, as client-go's Reflector keeps
 * (tools/cache/reflector.go), with the watchdog client-node's informer lacks
 * (kubernetes-client/javascript issues 596 and 1496: a watch that silently
 * stops sending is only noticed by a timeout of one's own):
 *
 * - list, then watch from the list's resourceVersion with bookmarks;
 * - a watch that ends (the server's timeoutSeconds, a dropped connection)
 *   resumes from the last resourceVersion seen;
 * - 410 Gone (the version left the server's history, as an HTTP status or
 *   an ERROR event) means events were lost: list again and report the
 *   differences as events, so no change is missed;
 * - no event and no bookmark for `stallMs` means a stalled connection:
 *   abort it and resume.
 * Every change reaches `onEvent`; `get` and `list` read the cache.
 */
import type { KubernetesObject, Watch } from '@kubernetes/client-node';
import { isGone, kubeStatusCode } from './kube-errors.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ReflectorOptions<T extends KubernetesObject> {
  /** For log lines: "deployments". */
  resource: string;
  /** Cluster-wide path, e.g. /apis/apps/v1/deployments. */
  path: string;
  labelSelector: string;
  list(): Promise<{ items: T[]; metadata?: { resourceVersion?: string } }>;
  watch: Watch;
  onEvent(type: EventType, object: T): void;
  /** The server closes each watch after this (client-go picks 5-10 min); default 300. */
  timeoutSeconds?: number;
  /** No data this long means a stalled watch; default timeoutSeconds + 30 s. */
  stallMs?: number;
  log(line: string): void;
}

const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5000;

export class Reflector<T extends KubernetesObject> {
  private readonly objects = new Map<string, T>();
  private resourceVersion = '';
  private stopped = false;
  /** Ends the current watch connection (stop). */
  private stopWatch: (() => void) | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private backoff = MIN_BACKOFF_MS;
  private lastProblem = '';
  /** Resolves the first time the cache is complete. */
  private synced!: () => void;
  readonly ready = new Promise<void>((resolve) => (this.synced = resolve));

  constructor(private readonly options: ReflectorOptions<T>) {}

  /** Lists once (rejects when that fails), then keeps watching in the background. */
  async start(): Promise<void> {
    await this.relist();
    void this.watchLoop();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.watchdog);
    this.stopWatch?.();
  }

  get(namespace: string, name: string): T | undefined {
    return this.objects.get(`${namespace}/${name}`);
  }

  list(): T[] {
    return [...this.objects.values()];
  }

  private async relist(): Promise<void> {
    const listed = await this.options.list();
    const seen = new Set<string>();
    for (const item of listed.items) {
      const key = keyOf(item);
      seen.add(key);
      const before = this.objects.get(key);
      this.objects.set(key, item);
      if (!before) this.options.onEvent('ADDED', item);
      else if (before.metadata?.resourceVersion !== item.metadata?.resourceVersion) this.options.onEvent('MODIFIED', item);
    }
    for (const [key, before] of [...this.objects]) {
      if (seen.has(key)) continue;
      this.objects.delete(key);
      this.options.onEvent('DELETED', before);
    }
    this.resourceVersion = listed.metadata?.resourceVersion ?? '';
    this.synced();
  }

  private async watchLoop(): Promise<void> {
    while (!this.stopped) {
      let outcome: 'resume' | 'relist';
      try {
        outcome = await this.watchOnce();
        if (outcome === 'resume') this.backoff = MIN_BACKOFF_MS;
      } catch (err) {
        outcome = isGone(err) ? 'relist' : 'resume';
        if (!isGone(err)) this.report(`watch failed (${describe(err)}); retrying`);
      }
      if (this.stopped) return;
      if (outcome === 'relist') {
        try {
          await this.relist();
          this.backoff = MIN_BACKOFF_MS;
          if (this.lastProblem !== '') this.options.log(`${this.options.resource}: listed again, cache complete`);
          this.lastProblem = '';
          continue;
        } catch (err) {
          this.report(`list failed (${describe(err)}); retrying`);
          // Keep relisting until it works: events in between are unknown.
          this.resourceVersion = '';
        }
      }
      await new Promise((r) => setTimeout(r, this.backoff));
      this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
    }
  }

  /** One watch connection: resolves with what to do next when it ends. */
  private watchOnce(): Promise<'resume' | 'relist'> {
    if (this.resourceVersion === '') return Promise.resolve('relist');
    const timeoutSeconds = this.options.timeoutSeconds ?? 300;
    const stallMs = this.options.stallMs ?? (timeoutSeconds + 30) * 1000;
    return new Promise((resolve, reject) => {
      let outcome: 'resume' | 'relist' = 'resume';
      let settled = false;
      let controller: AbortController | undefined;
      const finish = (result: 'resume' | 'relist' | Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(this.watchdog);
        controller?.abort();
        if (result instanceof Error) reject(result);
        else resolve(result);
      };
      // Also covers a server that accepts the request and never sends headers:
      // client-node hands out the AbortController only once headers arrive.
      const arm = () => {
        clearTimeout(this.watchdog);
        this.watchdog = setTimeout(() => {
          this.report(`watch silent for ${stallMs} ms; reconnecting`);
          finish('resume');
        }, stallMs);
      };
      this.stopWatch = () => finish('resume');
      arm();
      this.options.watch.watch(
        this.options.path,
        { resourceVersion: this.resourceVersion, allowWatchBookmarks: true, labelSelector: this.options.labelSelector, timeoutSeconds },
        (type: string, object: T & { code?: number }) => {
          if (settled) return;
          arm();
          if (type === 'ERROR') {
            // 410 Expired/Gone: the version is older than the server's history.
            outcome = object.code === 410 ? 'relist' : 'resume';
            if (object.code !== 410) this.report(`watch error ${object.code ?? '?'}: ${(object as { message?: string }).message ?? ''}`);
            finish(outcome);
            return;
          }
          const version = object.metadata?.resourceVersion;
          if (version) this.resourceVersion = version;
          if (type === 'BOOKMARK') return;
          if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') return;
          const key = keyOf(object);
          if (type === 'DELETED') this.objects.delete(key);
          else this.objects.set(key, object);
          this.options.onEvent(type, object);
        },
        (err: unknown) => {
          if (isGone(err)) finish('relist');
          // Our own abort and a clean end resume at once; anything else backs off.
          else if (err && (err as Error).name !== 'AbortError') finish(err instanceof Error ? err : new Error(String(err)));
          else finish(outcome);
        },
      ).then((c) => {
        controller = c;
        if (settled || this.stopped) c.abort();
      }, (err: unknown) => finish(err instanceof Error ? err : new Error(String(err))));
    });
  }

  private report(problem: string): void {
    if (problem === this.lastProblem) return;
    this.lastProblem = problem;
    this.options.log(`${this.options.resource}: ${problem}`);
  }
}

function keyOf(object: KubernetesObject): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

function describe(err: unknown): string {
  const code = kubeStatusCode(err);
  const message = err instanceof Error ? err.message : String(err);
  return code === undefined ? message : `HTTP ${code}: ${message}`;
}
