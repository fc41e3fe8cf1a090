/**
 * What the double's kubelet needs from a container runtime, in the shape
 * of the CRI split it mirrors: a pod sandbox (here just the pod IP), image
 * pulls, and container instances that run, log, exit, take signals and
 * (for real containers) exec. Two implementations: fake images served
 * in-process, and Docker.
 */
import type { Obj } from '../lib/json.js';
import type { LogBuffer } from '../kubelet/log-buffer.js';

/** What the kubelet reports as the waiting reason when a pull fails (pkg/kubelet/images/types.go). */
export type PullFailure = 'ErrImagePull' | 'ErrImageNeverPull' | 'InvalidImageName';

export class ImagePullError extends Error {
  constructor(
    readonly reason: PullFailure,
    message: string,
  ) {
    super(message);
  }
}

/** Why a container could not be created or started (CreateContainerError / RunContainerError). */
export class StartError extends Error {
  constructor(
    readonly reason: 'CreateContainerError' | 'RunContainerError',
    message: string,
  ) {
    super(message);
  }
}

export interface PullResult {
  imageID: string;
  /** The kubelet's Pulled event message, e.g. `Container image "x" already present on machine`. */
  message: string;
  pulled: boolean;
}

export interface ExitResult {
  exitCode: number;
  /** OOMKilled when the runtime says so; otherwise the kubelet derives Completed/Error. */
  reason?: string;
}

export interface RunningContainer {
  /** "<runtime>://<id>", as containerStatuses[].containerID shows it. */
  id: string;
  exited: Promise<ExitResult>;
  signal(sig: 'SIGTERM' | 'SIGKILL'): void;
  exec?(command: string[], timeoutMs: number): Promise<{ exitCode: number; output: string }>;
}

export interface StartRequest {
  pod: Obj;
  container: Obj;
  env: Record<string, string>;
  podIP: string;
  log: LogBuffer;
  /** How many times this container was restarted before (names Docker containers uniquely). */
  attempt: number;
}

export interface PodRunner {
  readonly runtime: string;
  /** Allocates the pod's IP. */
  createSandbox(pod: Obj): Promise<string>;
  removeSandbox(pod: Obj, ip: string): Promise<void>;
  pull(image: string, policy: string, pod: Obj): Promise<PullResult>;
  start(req: StartRequest): Promise<RunningContainer>;
  close(): Promise<void>;
}

export const FAKE_IMAGE_PREFIX = 'fake.paas.test/';
export const isFakeImage = (image: string): boolean => image.startsWith(FAKE_IMAGE_PREFIX);
