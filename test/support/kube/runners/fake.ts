/**
 * The fake-image runner: a pod whose images start with fake.paas.test/
 * runs in-process. Its "container" is an HTTP server bound to the pod's
 * own loopback IP on $PORT (else the first containerPort) that answers
 * every request with 200 and JSON {pod, image, env}, logging
 * "listening on <port>" at start and "<METHOD> <path>" per request; or a
 * short script (fake-program.ts). SIGTERM closes the server and exits 0
 * (a well-behaved app), interrupts a sleep with 143; SIGKILL exits 137.
 * Without a Docker engine, any other image fails to pull, loudly.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Obj } from '../lib/json.js';
import type { Timers } from '../lib/timers.js';
import type { IpPool } from '../kubelet/ip-pool.js';
import { fakeProgram, FakeMarker, type FakeProgram, type Step } from './fake-program.js';
import { ImagePullError, isFakeImage, type ExitResult, type PodRunner, type PullResult, type RunningContainer, type StartRequest } from './runner.js';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

class FakeContainer implements RunningContainer {
  readonly id: string;
  readonly exited: Promise<ExitResult>;
  private resolveExit!: (r: ExitResult) => void;
  private finished = false;
  private server?: Server;
  private cancelSleep?: () => void;
  private sleeping = false;

  constructor(
    private readonly req: StartRequest,
    private readonly program: FakeProgram,
    private readonly timers: Timers,
  ) {
    this.id = `fake://${sha(`${req.pod.metadata.uid}/${req.container.name}/${req.attempt}/${Math.random()}`)}`;
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
  }

  private out(text: string): void {
    this.req.log.line('stdout', text);
  }

  private finish(exitCode: number): void {
    if (this.finished) return;
    this.finished = true;
    this.cancelSleep?.();
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      server.close();
    }
    this.req.log.end();
    this.resolveExit({ exitCode });
  }

  run(): void {
    const p = this.program;
    if (p.kind === 'crash') {
      setImmediate(() => {
        this.req.log.line('stderr', `crashing: ${this.req.container.image}`);
        this.finish(1);
      });
      return;
    }
    if (p.kind === 'serve') return this.serve(p.listenAfterMs);
    void this.script(p.steps);
  }

  private async script(steps: { step: Step; and: boolean }[]): Promise<void> {
    let status = 0;
    for (const { step, and } of steps) {
      if (this.finished) return;
      if (and && status !== 0) continue;
      switch (step.op) {
        case 'exit':
          this.out(`exit ${step.code}`);
          return this.finish(step.code);
        case 'echo':
          this.out(step.text);
          status = 0;
          break;
        case 'ran':
          this.out(`ran: ${step.text}`);
          status = 0;
          break;
        case 'sleep':
          this.sleeping = true;
          await new Promise<void>((resolve) => (this.cancelSleep = this.timers.after(step.seconds * 1000, resolve)));
          this.sleeping = false;
          status = 0;
          break;
        case 'serve': {
          const name = this.req.container.image as string;
          return this.serve(name.includes(FakeMarker.neverReady) ? 'never' : name.includes(FakeMarker.slowStart) ? 1500 : 0);
        }
      }
    }
    this.finish(status);
  }

  private serve(listenAfterMs: number | 'never'): void {
    if (listenAfterMs === 'never') return;
    const port = Number(this.req.env.PORT ?? this.req.container.ports?.[0]?.containerPort ?? 0);
    if (!port) {
      this.out('no port to listen on (set PORT or a containerPort)');
      return;
    }
    const start = (): void => {
      if (this.finished) return;
      const body = JSON.stringify({ pod: this.req.pod.metadata.name, image: this.req.container.image, env: this.req.env });
      const server = createServer((rq, rs) => {
        this.out(`${rq.method} ${rq.url}`);
        rq.resume();
        rs.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
        rs.end(body);
      });
      server.on('error', (e) => {
        this.req.log.line('stderr', `listen ${this.req.podIP}:${port}: ${(e as Error).message}`);
        this.finish(1);
      });
      server.listen(port, this.req.podIP, () => this.out(`listening on ${port}`));
      this.server = server;
    };
    if (listenAfterMs > 0) this.timers.after(listenAfterMs, start);
    else start();
  }

  signal(sig: 'SIGTERM' | 'SIGKILL'): void {
    if (this.finished) return;
    if (sig === 'SIGKILL') return this.finish(137);
    if (this.sleeping) return this.finish(143);
    this.finish(0);
  }
}

export class FakeRunner implements PodRunner {
  readonly runtime = 'fake';

  constructor(
    private readonly pool: IpPool,
    private readonly timers: Timers,
    private readonly hasEngine: boolean,
  ) {}

  async createSandbox(): Promise<string> {
    return this.pool.allocate();
  }

  async removeSandbox(_pod: Obj, ip: string): Promise<void> {
    this.pool.release(ip);
  }

  async pull(image: string): Promise<PullResult> {
    if (!isFakeImage(image)) {
      throw new ImagePullError(
        'ErrImagePull',
        this.hasEngine
          ? `kube-double: image "${image}" is not a fake image, and a pod cannot mix fake images (fake.paas.test/...) with container images`
          : `kube-double: the Kubernetes API double has no container engine, so image "${image}" cannot run (start the double with a Docker client, or use a fake.paas.test/ image)`,
      );
    }
    if (image.includes(FakeMarker.pullFails)) {
      throw new ImagePullError('ErrImagePull', `failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`);
    }
    return { imageID: `${image.split(':')[0]}@sha256:${sha(image)}`, message: `Container image "${image}" already present on machine`, pulled: false };
  }

  async start(req: StartRequest): Promise<RunningContainer> {
    const c = new FakeContainer(req, fakeProgram(req.container.image, req.container.command, req.container.args, req.pod.spec?.restartPolicy ?? 'Always'), this.timers);
    c.run();
    return c;
  }

  async close(): Promise<void> {}
}
