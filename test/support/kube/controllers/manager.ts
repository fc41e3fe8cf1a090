/**
 * Runs the controllers the double plays (kube-controller-manager's
 * deployment, replicaset, endpointslice, job, ttl-after-finished,
 * garbage-collector, namespace, serviceaccount and root-ca-cert-publisher
 * controllers, plus the scheduler). Each controller maps store events to
 * keys and reconciles one key at a time from its own work queue, like an
 * informer-driven controller whose cache is always in sync.
 */
import type { Obj } from '../lib/json.js';
import type { Timers } from '../lib/timers.js';
import type { ApiServer } from '../apiserver/api-server.js';
import type { Store, StoreEvent } from '../store/store.js';
import type { EventRecorder } from './events.js';
import { WorkQueue } from './work-queue.js';

export interface ControllerContext {
  api: ApiServer;
  store: Store;
  timers: Timers;
  events: EventRecorder;
  now(): number;
  log(line: string): void;
}

export interface Controller {
  readonly name: string;
  /** Keys to reconcile because of this change. */
  keysFor(event: StoreEvent): string[];
  reconcile(key: string): void;
  /** Keys to reconcile at start (objects that exist before the controller runs). */
  initialKeys?(): string[];
}

export type ControllerFactory = (ctx: ControllerContext, queue: WorkQueue) => Controller;

export const nsKey = (o: Obj): string => `${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;

export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export class ControllerManager {
  private readonly running: { controller: Controller; queue: WorkQueue }[] = [];
  private unsubscribe: () => void = () => {};

  constructor(private readonly ctx: ControllerContext) {}

  add(name: string, factory: ControllerFactory): void {
    let controller: Controller | undefined;
    const queue = new WorkQueue(name, (key) => controller?.reconcile(key), this.ctx.timers, this.ctx.log);
    controller = factory(this.ctx, queue);
    this.running.push({ controller, queue });
  }

  start(): void {
    this.unsubscribe = this.ctx.store.subscribe((ev) => {
      for (const { controller, queue } of this.running) {
        for (const key of controller.keysFor(ev)) queue.add(key);
      }
    });
    for (const { controller, queue } of this.running) for (const key of controller.initialKeys?.() ?? []) queue.add(key);
  }

  close(): void {
    this.unsubscribe();
    for (const { queue } of this.running) queue.close();
  }
}
