/**
 * The Docker runner: pods whose images are not fake run as real
 * containers on a user-defined bridge network the double creates (and
 * removes at close). The pod IP is the container's static address on that
 * network, which the host reaches directly; nothing is published. Each
 * (re)start is a new container, as with any CRI runtime, so restart counts
 * and back-off stay the kubelet's business. Kubernetes command/args
 * semantics map onto Docker's: command replaces ENTRYPOINT (and drops the
 * image's CMD), args replace CMD. Memory and CPU limits become cgroup
 * limits, OOM kills are reported as OOMKilled. Logs stream from
 * `docker logs --follow --timestamps`. Limitation: a second container in
 * the same pod joins the first one's network namespace, so it loses
 * networking when the first restarts (the double has no pause container).
 */
import { PassThrough, type Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import type { Obj } from '../lib/json.js';
import { quantityValue } from '../lib/quantity.js';
import { parseNanos } from '../lib/time.js';
import type { LogBuffer } from '../kubelet/log-buffer.js';
import type { DockerNetwork } from './docker-network.js';
import { ImagePullError, isFakeImage, StartError, type ExitResult, type PodRunner, type PullResult, type RunningContainer, type StartRequest } from './runner.js';

export const DOUBLE_LABEL = 'dev.paas.kube-double';
const PULL_TIMEOUT_MS = 30_000;

function pipeLogs(stream: Readable, docker: Dockerode, log: LogBuffer): Promise<void> {
  const out = new PassThrough();
  const err = new PassThrough();
  docker.modem.demuxStream(stream, out, err);
  const lines = (src: PassThrough, kind: 'stdout' | 'stderr'): void => {
    let partial = '';
    src.on('data', (chunk: Buffer) => {
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop() ?? '';
      for (const p of parts) {
        const sp = p.indexOf(' ');
        const nanos = sp > 0 ? parseNanos(p.slice(0, sp)) : undefined;
        log.line(kind, nanos !== undefined ? p.slice(sp + 1) : p, nanos);
      }
    });
  };
  lines(out, 'stdout');
  lines(err, 'stderr');
  return new Promise((resolve) => {
    stream.on('end', () => resolve());
    stream.on('close', () => resolve());
    stream.on('error', () => resolve());
  });
}

export class DockerRunner implements PodRunner {
  readonly runtime = 'docker';
  /** The first container of each pod (uid): later containers of the pod join its network namespace. */
  private readonly netOwners = new Map<string, string>();
  private closed = false;

  constructor(
    private readonly docker: Dockerode,
    private readonly network: DockerNetwork,
    private readonly doubleId: string,
  ) {}

  async createSandbox(): Promise<string> {
    return this.network.pool.allocate();
  }

  async removeSandbox(pod: Obj, ip: string): Promise<void> {
    this.netOwners.delete(pod.metadata.uid);
    const containers = await this.docker.listContainers({ all: true, filters: { label: [`${DOUBLE_LABEL}=${this.doubleId}`, `io.kubernetes.pod.uid=${pod.metadata.uid}`] } });
    await Promise.all(containers.map((c) => this.docker.getContainer(c.Id).remove({ force: true }).catch(() => {})));
    this.network.pool.release(ip);
  }

  private async imageID(image: string): Promise<string | undefined> {
    try {
      const info = await this.docker.getImage(image).inspect();
      return info.RepoDigests?.[0] ?? `${image.split(':')[0]}@${info.Id}`;
    } catch {
      return undefined;
    }
  }

  async pull(image: string, policy: string): Promise<PullResult> {
    if (isFakeImage(image)) throw new ImagePullError('ErrImagePull', `kube-double: fake image "${image}" cannot run in a pod that also has container images`);
    const present = await this.imageID(image);
    if (policy === 'Never') {
      if (!present) throw new ImagePullError('ErrImageNeverPull', `Container image "${image}" is not present with pull policy of Never`);
      return { imageID: present, message: `Container image "${image}" already present on machine`, pulled: false };
    }
    if (policy === 'IfNotPresent' && present) return { imageID: present, message: `Container image "${image}" already present on machine`, pulled: false };
    const started = Date.now();
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('pull timed out')), PULL_TIMEOUT_MS);
        this.docker.pull(image, {}, (err: unknown, stream?: NodeJS.ReadableStream) => {
          if (err || !stream) {
            clearTimeout(timer);
            return reject(err instanceof Error ? err : new Error(String(err)));
          }
          this.docker.modem.followProgress(
            stream,
            (e: Error | null, output: { error?: string; errorDetail?: { message?: string } }[]) => {
              clearTimeout(timer);
              const failed = output?.find((o) => o.error || o.errorDetail);
              if (e) reject(e);
              else if (failed) reject(new Error(failed.errorDetail?.message ?? failed.error));
              else resolve();
            },
          );
        });
      });
    } catch (e) {
      throw new ImagePullError('ErrImagePull', `failed to pull and unpack image "${image}": ${(e as Error).message}`);
    }
    const id = (await this.imageID(image)) ?? image;
    return { imageID: id, message: `Successfully pulled image "${image}" in ${Date.now() - started}ms`, pulled: true };
  }

  async start(req: StartRequest): Promise<RunningContainer> {
    if (this.closed) throw new StartError('CreateContainerError', 'kube-double: the Docker runner is closed');
    const { pod, container } = req;
    const uid: string = pod.metadata.uid;
    const owner = this.netOwners.get(uid);
    const limits: Obj = container.resources?.limits ?? {};
    const hostConfig: Obj = { Init: true, NetworkMode: owner ? `container:${owner}` : this.network.name };
    if (limits.memory !== undefined) hostConfig.Memory = Math.floor(quantityValue(limits.memory));
    if (limits.cpu !== undefined) hostConfig.NanoCpus = Math.floor(quantityValue(limits.cpu) * 1e9);
    const create: Obj = {
      name: `k8s_${container.name}_${pod.metadata.name}_${pod.metadata.namespace}_${uid}_${req.attempt}_${this.doubleId}`.slice(0, 250),
      Image: container.image,
      Env: Object.entries(req.env).map(([k, v]) => `${k}=${v}`),
      Labels: {
        [DOUBLE_LABEL]: this.doubleId,
        'io.kubernetes.pod.name': pod.metadata.name,
        'io.kubernetes.pod.namespace': pod.metadata.namespace,
        'io.kubernetes.pod.uid': uid,
        'io.kubernetes.container.name': container.name,
      },
      HostConfig: hostConfig,
    };
    if (container.command) {
      create.Entrypoint = container.command;
      create.Cmd = container.args ?? [];
    } else if (container.args) create.Cmd = container.args;
    if (container.workingDir) create.WorkingDir = container.workingDir;
    if (!owner) {
      create.Hostname = String(pod.metadata.name).slice(0, 63);
      create.NetworkingConfig = { EndpointsConfig: { [this.network.name]: { IPAMConfig: { IPv4Address: req.podIP } } } };
    }
    let handle: Dockerode.Container;
    try {
      handle = await this.docker.createContainer(create as Dockerode.ContainerCreateOptions);
    } catch (e) {
      throw new StartError('CreateContainerError', (e as Error).message);
    }
    try {
      await handle.start();
    } catch (e) {
      await handle.remove({ force: true }).catch(() => {});
      throw new StartError('RunContainerError', (e as Error).message);
    }
    if (this.closed) {
      // close() ran while this container was being created: it must not outlive the double
      await handle.remove({ force: true }).catch(() => {});
      throw new StartError('RunContainerError', 'kube-double: the Docker runner is closed');
    }
    if (!owner) this.netOwners.set(uid, handle.id);
    const logsDone = handle
      .logs({ follow: true, stdout: true, stderr: true, timestamps: true })
      .then((stream) => pipeLogs(stream as unknown as Readable, this.docker, req.log))
      .catch(() => {});
    const exited = (async (): Promise<ExitResult> => {
      let exitCode = 137;
      let reason: string | undefined;
      try {
        const r = (await handle.wait()) as { StatusCode: number };
        exitCode = r.StatusCode;
        const info = await handle.inspect();
        if (info.State.OOMKilled) reason = 'OOMKilled';
      } catch {
        // the container vanished (removed at close): report it as killed
      }
      await Promise.race([logsDone, new Promise((r) => setTimeout(r, 1000))]);
      req.log.end();
      return { exitCode, reason };
    })();
    return {
      id: `docker://${handle.id}`,
      exited,
      signal: (sig) => void handle.kill({ signal: sig }).catch(() => {}),
      exec: async (command, timeoutMs) => {
        const exec = await handle.exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
        const stream = await exec.start({ hijack: true, stdin: false });
        const chunks: Buffer[] = [];
        const sink = new PassThrough();
        sink.on('data', (c: Buffer) => chunks.push(c));
        this.docker.modem.demuxStream(stream, sink, sink);
        await Promise.race([new Promise((r) => stream.on('end', r)), new Promise((_, reject) => setTimeout(() => reject(new Error(`command timed out after ${timeoutMs}ms`)), timeoutMs))]);
        const info = await exec.inspect();
        return { exitCode: info.ExitCode ?? 1, output: Buffer.concat(chunks).toString('utf8') };
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    const containers = await this.docker.listContainers({ all: true, filters: { label: [`${DOUBLE_LABEL}=${this.doubleId}`] } });
    await Promise.all(containers.map((c) => this.docker.getContainer(c.Id).remove({ force: true }).catch(() => {})));
    await this.network.remove();
  }
}
