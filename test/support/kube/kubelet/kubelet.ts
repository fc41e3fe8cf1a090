/**
 * The double's kubelet for its one node: it watches pods bound to
 * "double-node", runs one PodWorker per pod uid with the runner the pod
 * needs (fake images in-process, anything else in Docker when the double
 * has a Docker client), stops them when pods are deleted, and serves
 * container logs to the pods/log endpoint.
 */
import { badRequest, type StatusError } from '../api/status.js';
import type { Obj } from '../lib/json.js';
import { NODE_NAME } from '../controllers/scheduler.js';
import type { PodLogSource } from '../http/logs.js';
import type { PodRunner } from '../runners/runner.js';
import { isFakeImage } from '../runners/runner.js';
import type { LogBuffer } from './log-buffer.js';
import { PodWorker, type PodWorkerContext } from './pod-worker.js';

export interface Runners {
  fake: PodRunner;
  docker?: PodRunner;
}

export class Kubelet implements PodLogSource {
  private readonly workers = new Map<string, PodWorker>();
  private unsubscribe: () => void = () => {};

  constructor(
    private readonly ctx: PodWorkerContext,
    private readonly runners: Runners,
  ) {}

  private runnerFor(pod: Obj): PodRunner {
    const images: string[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c: Obj) => String(c.image ?? ''));
    if (this.runners.docker && images.some((i) => !isFakeImage(i))) return this.runners.docker;
    return this.runners.fake;
  }

  private observe(pod: Obj): void {
    if (pod.spec?.nodeName !== NODE_NAME) return;
    let w = this.workers.get(pod.metadata.uid);
    if (!w) {
      w = new PodWorker(pod, this.ctx, this.runnerFor(pod));
      this.workers.set(pod.metadata.uid, w);
      w.start();
    }
    w.update(pod);
  }

  start(): void {
    this.unsubscribe = this.ctx.api.store.subscribe((ev) => {
      if (ev.resource !== '/pods') return;
      if (ev.type === 'DELETED') {
        const w = this.workers.get(ev.object.metadata.uid);
        this.workers.delete(ev.object.metadata.uid);
        if (w) void w.removed();
      } else this.observe(ev.object);
    });
    for (const pod of this.ctx.api.store.scan('/pods')) this.observe(pod);
  }

  open(pod: Obj, container: string, previous: boolean): LogBuffer | StatusError {
    const w = this.workers.get(pod.metadata.uid);
    if (!w) return badRequest(`container "${container}" in pod "${pod.metadata.name}" is waiting to start: ContainerCreating`);
    return w.log(container, previous);
  }

  async close(): Promise<void> {
    this.unsubscribe();
    const all = [...this.workers.values()];
    this.workers.clear();
    await Promise.all(all.map((w) => w.removed()));
    await Promise.all([this.runners.fake.close(), this.runners.docker?.close()]);
  }
}
