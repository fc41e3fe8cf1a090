/**
 * The Kubernetes driver's view of what runs: Deployments, pods and
 * EndpointSlices as the reflectors last saw them, indexed by instance set
 * and sets by app, so observing one app reads only that app's objects.
 * Fed by reflector events; no I/O here.
 */
import type { V1Deployment, V1EndpointSlice, V1Pod } from '@kubernetes/client-node';
import type { ObservedSet, SetKey } from '../runtime.js';
import { setKeyId } from '../runtime.js';
import type { EventType } from './reflector.js';
import { setKeyOf } from './names.js';
import { observeSet } from './observe.js';

/** Stands in for a Deployment already deleted while its pods drain. */
const GONE: V1Deployment = { metadata: { generation: 0 }, spec: { replicas: 0, selector: {}, template: {} }, status: { observedGeneration: 0 } };

interface SetEntry {
  key: SetKey;
  deployment?: V1Deployment;
  pods: Map<string, V1Pod>;
  slices: Map<string, V1EndpointSlice>;
}

export class KubeCache {
  private readonly sets = new Map<string, SetEntry>();
  private readonly byApp = new Map<string, Set<string>>();

  /** Records an event; returns the app it concerns, if any. */
  deployment(type: EventType, object: V1Deployment): string | undefined {
    const entry = this.entry(object.metadata?.labels);
    if (!entry) return undefined;
    if (type === 'DELETED') delete entry.deployment;
    else entry.deployment = object;
    this.prune(entry);
    return entry.key.app;
  }

  pod(type: EventType, object: V1Pod): string | undefined {
    return this.member(type, object, (entry) => entry.pods);
  }

  slice(type: EventType, object: V1EndpointSlice): string | undefined {
    return this.member(type, object, (entry) => entry.slices);
  }

  getDeployment(key: SetKey): V1Deployment | undefined {
    return this.sets.get(setKeyId(key))?.deployment;
  }

  /** Pods of the app (all its sets and one-off runs), optionally of one release and process. */
  pods(filter: { app: string; release?: number; process?: string }): V1Pod[] {
    return [...(this.byApp.get(filter.app) ?? [])].flatMap((id) => {
      const entry = this.sets.get(id)!;
      if (filter.release !== undefined && entry.key.release !== filter.release) return [];
      if (filter.process !== undefined && entry.key.process !== filter.process) return [];
      return [...entry.pods.values()];
    });
  }

  /**
   * The app's sets. A deleted Deployment's pods that still drain show as a
   * set of 0 replicas (as `stopping` instances), like the Docker driver's;
   * release-phase pods (owned by a Job) are not a set.
   */
  observe(app: string): ObservedSet[] {
    return [...(this.byApp.get(app) ?? [])].flatMap((id) => {
      const entry = this.sets.get(id)!;
      const pods = [...entry.pods.values()].filter((pod) => !(pod.metadata?.ownerReferences ?? []).some((o) => o.kind === 'Job'));
      if (!entry.deployment && pods.length === 0) return [];
      return [observeSet({ key: entry.key, deployment: entry.deployment ?? GONE, pods, slices: [...entry.slices.values()] })];
    });
  }

  apps(): string[] {
    return [...this.byApp.keys()].filter((app) => this.observe(app).length > 0);
  }

  private member<T extends { metadata?: { name?: string; labels?: Record<string, string> } }>(type: EventType, object: T, map: (entry: SetEntry) => Map<string, T>): string | undefined {
    const entry = this.entry(object.metadata?.labels);
    if (!entry) return undefined;
    const name = object.metadata?.name ?? '';
    if (type === 'DELETED') map(entry).delete(name);
    else map(entry).set(name, object);
    this.prune(entry);
    return entry.key.app;
  }

  private entry(labels: Record<string, string> | undefined): SetEntry | undefined {
    const key = setKeyOf(labels);
    if (!key) return undefined;
    const id = setKeyId(key);
    let entry = this.sets.get(id);
    if (!entry) {
      entry = { key, pods: new Map(), slices: new Map() };
      this.sets.set(id, entry);
      const ofApp = this.byApp.get(key.app) ?? new Set<string>();
      ofApp.add(id);
      this.byApp.set(key.app, ofApp);
    }
    return entry;
  }

  private prune(entry: SetEntry): void {
    if (entry.deployment || entry.pods.size > 0 || entry.slices.size > 0) return;
    const id = setKeyId(entry.key);
    this.sets.delete(id);
    const ofApp = this.byApp.get(entry.key.app);
    ofApp?.delete(id);
    if (ofApp?.size === 0) this.byApp.delete(entry.key.app);
  }
}
