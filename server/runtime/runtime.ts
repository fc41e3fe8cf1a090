/**
 * The one interface between the controller and whatever runs instances
 * (DESIGN.md decision 2). `docker/` (embedded single-host default) and
 * `kubernetes/` implement it; nothing outside `server/runtime/<driver>/` may
 * assume either one.
 *
 * The unit is the **instance set**: every instance of one process type of
 * one release (app × release × process ▸ replicas, image, command, env), what
 * Kubernetes calls a Deployment. The controller says which sets must exist
 * with how many replicas; the driver makes it so and keeps it so (restarts
 * crashed instances, replaces removed ones, drains what it stops), probes
 * readiness (itself on Docker, through kubelet and EndpointSlices on
 * Kubernetes) and reports what it sees through `observe` and `onChange`.
 * Observing reads the driver's cache, fed by the engine's event stream or
 * the API server's watches, never a full listing per call: per-app work must
 * not grow with the number of apps.
 *
 * The driver owns placement and addressing: it says where an instance
 * listens (`endpoint`); the controller never picks ports or hosts.
 */

export interface SetKey {
  app: string;
  /** The release whose instances these are (`runsOn` of the releases they serve). */
  release: number;
  /** Process type from the Procfile: web, worker, … */
  process: string;
}

export interface InstanceSetSpec extends SetKey {
  /** Image reference to run (tag or digest). */
  image: string;
  /** Registry digest of the image (sha256:…), when it was pushed: drivers that pull run the image by digest. */
  digest?: string | null;
  /** Shell command line from the Procfile; undefined runs the image's CMD. */
  command?: string;
  /** Config vars of the release. The driver adds PORT and the PAAS_* variables. */
  env: Record<string, string>;
  replicas: number;
  /** Readiness of web instances: an HTTP GET path answering 2xx/3xx, or null for a TCP connect to PORT. */
  healthcheckPath: string | null;
}

/** The spec of a one-off run (the release phase): a set of one that runs to completion. */
export type OneOffSpec = Omit<InstanceSetSpec, 'replicas' | 'healthcheckPath'>;

export type InstanceState = 'starting' | 'running' | 'restarting' | 'stopping' | 'exited' | 'stopped' | 'unknown';

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
  /** Passes its readiness check now (web), or runs (other processes). */
  ready: boolean;
  /** Why it is not ready, when the driver knows (last probe failure, waiting reason). */
  reason?: string;
}

export interface ObservedSet extends SetKey {
  /** Replicas the driver keeps (what the last applySet asked for). */
  replicas: number;
  /** Instances, including those stopping (state `stopping`), oldest first. */
  instances: Instance[];
  /** Ready instances that run the set's current template (after a restart, only the new ones). */
  readyReplicas: number;
  /** Every instance runs the current template and no old one is left. */
  updated: boolean;
  /** The template's restart token as the driver last saw it ('' until the first restart). */
  template: string;
  /**
   * Why the set cannot become ready without a change, when the driver can
   * tell: an instance that crashed, an image that cannot be pulled, a pod that
   * cannot be scheduled. Undefined while things may still work out.
   */
  failure?: { instance: string; reason: string };
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

export interface RunOnceOptions {
  timeoutMs: number;
  /** Each output line as it is written, for the pusher to watch live. */
  onLine?: (line: string) => void;
}

export interface RunOnceResult {
  exitCode: number;
  /** Last lines of combined output, for error messages. */
  output: string[];
}

export type ChangeListener = (app: string) => void;

export interface Runtime {
  readonly kind: 'docker' | 'kubernetes';
  /** Reads back what runs (adoption after a restart) and starts following changes. */
  start(): Promise<void>;
  /** Stops following changes; instances keep running. */
  close(): Promise<void>;
  /** Whatever an app needs before its first set (a namespace on Kubernetes). */
  ensureApp(app: string): Promise<void>;
  /** Removes every set of the app and what `ensureApp` made. */
  removeApp(app: string): Promise<void>;
  /**
   * Creates the set, or sets its replicas when it exists. A set's template
   * (image, command, env, health check) never changes once created: a
   * change makes a new release, hence a new set. Idempotent and cheap when
   * nothing changes.
   */
  applySet(spec: InstanceSetSpec): Promise<void>;
  /** Replaces every instance of the set, each new one ready before an old one goes. */
  restartSet(key: SetKey, token: string): Promise<void>;
  /** Takes the set's instances out of rotation, then stops them after the drain time. */
  deleteSet(key: SetKey): Promise<void>;
  /**
   * Where in-cluster clients of the app go (the stable Service on
   * Kubernetes); the paas router follows the route table instead.
   */
  setLiveRelease(app: string, release: number | undefined): Promise<void>;
  /** The app's sets as last seen; no engine call. */
  observe(app: string): ObservedSet[];
  /** Apps with sets, as last seen. */
  observedApps(): string[];
  /** Called with an app whenever what `observe` returns for it may have changed. */
  onChange(listener: ChangeListener): () => void;
  /** Runs a one-off process (the `release` phase) to completion. */
  runOnce(spec: OneOffSpec, options: RunOnceOptions): Promise<RunOnceResult>;
  /** Log lines of matching instances, oldest first; follows when asked. */
  logs(filter: InstanceFilter, options: LogOptions): AsyncIterable<LogLine>;
}

export function setKeyId(key: SetKey): string {
  return `${key.app}/v${key.release}/${key.process}`;
}

export function sameSet(a: SetKey, b: SetKey): boolean {
  return a.app === b.app && a.release === b.release && a.process === b.process;
}
