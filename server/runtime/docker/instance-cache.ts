/**
 * The Docker driver's memory: every instance container of this installation
 * (facts read from the engine, plus readiness and "stopping" known only
 * here) and every instance set (what applySet asked for, or what was
 * adopted). The engine's event stream and resyncs write it; `observe` reads
 * it, so observing costs no engine call. No I/O happens here: the driver
 * does it and records the outcome.
 *
 * A set that was adopted (found running after a server restart) but not
 * applied yet has no spec; it keeps what runs until the controller applies
 * or deletes it. Containers are indexed by set and sets by app, so reading
 * one app costs the same whatever runs beside it.
 */
import type { Instance, InstanceSetSpec, ObservedSet, SetKey } from '../runtime.js';
import { setKeyId } from '../runtime.js';
import type { ContainerFacts } from './container-spec.js';
import type { ContainerView, SetTarget } from './set-plan.js';

export interface Tracked extends ContainerFacts {
  ready: boolean;
  /** Why it is not ready (last probe failure). */
  reason?: string;
  /** Out of rotation, draining or being stopped: no longer counted in its set. */
  stopping: boolean;
  /** When the engine last told us about it (ms since the epoch). */
  recordedAt: number;
}

export interface DockerSet {
  key: SetKey;
  /** The last applied spec; undefined for a set adopted but not applied since the server started. */
  spec?: InstanceSetSpec;
  replicas: number;
  token: string;
  deleting: boolean;
  /** Why the last attempt to create an instance failed (a missing image, a refused start), until one succeeds. */
  error?: string;
}

export class InstanceCache {
  private readonly containers = new Map<string, Tracked>();
  private readonly sets = new Map<string, DockerSet>();
  /** set id ▶ container ids */
  private readonly bySet = new Map<string, Set<string>>();
  /** app ▶ set ids */
  private readonly byApp = new Map<string, Set<string>>();

  get(id: string): Tracked | undefined {
    return this.containers.get(id);
  }

  all(): Tracked[] {
    return [...this.containers.values()];
  }

  set(key: SetKey): DockerSet | undefined {
    return this.sets.get(setKeyId(key));
  }

  byId(id: string): DockerSet | undefined {
    return this.sets.get(id);
  }

  allSets(): DockerSet[] {
    return [...this.sets.values()];
  }

  /** Records a container as inspected; keeps readiness unless it (re)started. Returns whether readiness must be probed afresh. */
  upsert(facts: ContainerFacts): { restarted: boolean } {
    const before = this.containers.get(facts.id);
    // A start time learnt later (adoption reads the listing first, details after) is no restart.
    const restarted = !before || before.state !== facts.state
      || (before.startedAt !== undefined && before.startedAt.getTime() !== facts.startedAt?.getTime());
    const ready = !restarted && before !== undefined && before.ready && facts.state === 'running';
    const tracked: Tracked = { ...facts, ready, stopping: before?.stopping ?? false, recordedAt: Date.now() };
    if (!ready && before?.reason) tracked.reason = before.reason;
    if (facts.process !== 'web' && facts.state === 'running') tracked.ready = true;
    this.containers.set(facts.id, tracked);
    const setId = setKeyId(facts);
    if (!this.sets.has(setId)) this.addSet({ key: { app: facts.app, release: facts.release, process: facts.process }, replicas: 0, token: facts.token, deleting: false });
    this.bySet.get(setId)!.add(facts.id);
    return { restarted };
  }

  private addSet(set: DockerSet): void {
    const id = setKeyId(set.key);
    this.sets.set(id, set);
    if (!this.bySet.has(id)) this.bySet.set(id, new Set());
    const ofApp = this.byApp.get(set.key.app) ?? new Set<string>();
    ofApp.add(id);
    this.byApp.set(set.key.app, ofApp);
  }

  private dropSet(key: SetKey): void {
    const id = setKeyId(key);
    this.sets.delete(id);
    this.bySet.delete(id);
    const ofApp = this.byApp.get(key.app);
    ofApp?.delete(id);
    if (ofApp?.size === 0) this.byApp.delete(key.app);
  }

  remove(id: string): Tracked | undefined {
    const tracked = this.containers.get(id);
    if (!tracked) return undefined;
    this.containers.delete(id);
    this.bySet.get(setKeyId(tracked))?.delete(id);
    const set = this.sets.get(setKeyId(tracked));
    if (set && (set.deleting || !set.spec) && this.members(set.key).length === 0) this.dropSet(set.key);
    return tracked;
  }

  /** After adoption: an unapplied set keeps as many as run, at the newest template. */
  settleAdopted(): void {
    for (const set of this.sets.values()) {
      if (set.spec) continue;
      const members = this.members(set.key).filter((t) => !t.stopping);
      set.replicas = members.length;
      const newest = [...members].sort((a, b) => (b.startedAt?.getTime() ?? 0) - (a.startedAt?.getTime() ?? 0))[0];
      set.token = newest?.token ?? '';
    }
  }

  apply(spec: InstanceSetSpec): DockerSet {
    const id = setKeyId(spec);
    let set = this.sets.get(id);
    if (!set) {
      set = { key: { app: spec.app, release: spec.release, process: spec.process }, replicas: 0, token: '', deleting: false };
      this.addSet(set);
    }
    set.spec = spec;
    set.replicas = spec.replicas;
    set.deleting = false;
    return set;
  }

  markDeleting(key: SetKey): DockerSet | undefined {
    const set = this.sets.get(setKeyId(key));
    if (!set) return undefined;
    set.deleting = true;
    set.replicas = 0;
    if (this.members(key).length === 0) this.dropSet(key);
    return set;
  }

  members(key: SetKey): Tracked[] {
    return [...(this.bySet.get(setKeyId(key)) ?? [])].flatMap((id) => this.containers.get(id) ?? []);
  }

  setsOf(app: string): DockerSet[] {
    return [...(this.byApp.get(app) ?? [])].flatMap((id) => this.sets.get(id) ?? []);
  }

  observe(app: string): ObservedSet[] {
    return this.setsOf(app).map((s) => this.observeSet(s));
  }

  apps(): string[] {
    return [...this.byApp.keys()];
  }

  target(set: DockerSet): SetTarget {
    return { replicas: set.replicas, token: set.token, deleting: set.deleting };
  }

  views(set: DockerSet): ContainerView[] {
    return this.members(set.key).map((t) => ({
      id: t.id, index: t.index, token: t.token, ready: t.ready, stopping: t.stopping, down: t.state === 'exited' || t.state === 'stopped',
    }));
  }

  private observeSet(set: DockerSet): ObservedSet {
    const members = this.members(set.key).sort((a, b) => a.index - b.index);
    const current = members.filter((t) => !t.stopping && t.token === set.token);
    const failing = current.find((t) => !t.ready && crashReason(t) !== undefined);
    const failure = failing ? { instance: failing.name, reason: crashReason(failing)! } : set.error ? { instance: set.key.process, reason: set.error } : undefined;
    return {
      ...set.key,
      replicas: set.replicas,
      instances: members.map(toInstance),
      readyReplicas: current.filter((t) => t.ready).length,
      updated: members.every((t) => t.stopping || t.token === set.token),
      template: set.token,
      ...(failure ? { failure } : {}),
    };
  }
}

/**
 * Why an instance that is not ready will not become ready by itself: it
 * stopped for good, or it crashed again after a restart (Docker's
 * `restarting` is the back-off between restarts, like CrashLoopBackOff).
 * One crash is not a verdict: an app may exit once while a database warms up.
 */
function crashReason(t: Tracked): string | undefined {
  if (t.state === 'exited' || t.state === 'stopped') return `it exited with code ${t.exitCode ?? '?'}`;
  if ((t.state === 'restarting' && t.restartCount >= 1) || t.restartCount >= 2) return `it crashed (exit code ${t.exitCode ?? '?'}) and is restarting`;
  return undefined;
}

function toInstance(t: Tracked): Instance {
  const instance: Instance = {
    id: t.id, name: t.name, app: t.app, release: t.release, process: t.process,
    state: t.stopping ? 'stopping' : t.state, restartCount: t.restartCount, ready: t.ready && !t.stopping,
  };
  if (t.endpoint) instance.endpoint = t.endpoint;
  if (t.startedAt) instance.startedAt = t.startedAt;
  if (t.exitCode !== undefined) instance.exitCode = t.exitCode;
  if (t.reason !== undefined && !t.ready) instance.reason = t.reason;
  return instance;
}
