/**
 * The one interface between the controller and whatever runs instances.
 * `docker/` (embedded single-host default) and later `kubernetes/` implement
 * it; nothing outside `server/runtime/<driver>/` may assume either one.
 *
 * An instance is one running copy of one process type of one release. The
 * driver owns placement and addressing: it says where an instance listens
 * (`endpoint`), the controller never picks ports or hosts itself.
 */

export interface InstanceSpec {
  app: string;
  /** Release number: instances are labelled `v<release>`. */
  release: number;
  /** Process type from the Procfile: web, worker, … */
  process: string;
  /** Image reference to run (tag or digest). */
  image: string;
  /** Shell command line from the Procfile; undefined runs the image's CMD. */
  command?: string;
  /** Config vars of the release. The driver adds PORT. */
  env: Record<string, string>;
}

export type InstanceState = 'starting' | 'running' | 'restarting' | 'exited' | 'stopped' | 'unknown';

export interface Endpoint {
  host: string;
  port: number;
}

export interface Instance {
  /** Driver-specific id (container id, pod name). */
  id: string;
  /** Short, human name, e.g. web.1 */
  name: string;
  app: string;
  release: number;
  process: string;
  state: InstanceState;
  /** Where it listens when it is a web process; undefined for workers. */
  endpoint?: Endpoint;
  startedAt?: Date;
  restartCount: number;
  exitCode?: number;
}

export interface InstanceFilter {
  app?: string;
  release?: number;
  process?: string;
}

export interface LogLine {
  /** Instance name (web.1) or 'release' for the release phase. */
  source: string;
  release: number;
  stream: 'stdout' | 'stderr';
  time: Date;
  line: string;
}

export interface LogOptions {
  follow: boolean;
  /** Lines of history per instance; undefined means all that is kept. */
  tail?: number;
  signal?: AbortSignal;
}

export interface RunOnceResult {
  exitCode: number;
  /** Last lines of combined output, for error messages. */
  output: string[];
}

export interface Runtime {
  readonly kind: 'docker' | 'kubernetes';
  /** Starts one new instance and returns it (state starting/running). */
  start(spec: InstanceSpec): Promise<Instance>;
  /** Stops with SIGTERM, then kills after `graceSeconds`; removes it. */
  stop(id: string, graceSeconds: number): Promise<void>;
  /** Every instance paas manages that matches, read from labels. */
  list(filter?: InstanceFilter): Promise<Instance[]>;
  /** Runs a one-off process (the `release` phase) to completion. */
  runOnce(spec: InstanceSpec, timeoutMs: number): Promise<RunOnceResult>;
  /** Log lines of matching instances, oldest first; follows when asked. */
  logs(filter: InstanceFilter, options: LogOptions): AsyncIterable<LogLine>;
}
