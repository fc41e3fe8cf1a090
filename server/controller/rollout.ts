/**
 * Starting a release's instances and gating them on readiness. Either every
 * new web instance answers before the deadline and the set is returned, or
 * the whole new set is removed again and RELEASE_FAILED says why, with the
 * last log lines of the instance that failed. Traffic is never touched here.
 */
import { PaasError } from '../errors.js';
import type { Instance, InstanceSpec, Runtime } from '../runtime/runtime.js';
import type { App, Release } from '../store/types.js';
import { waitReady } from './readiness.js';

export interface RolloutDeps {
  runtime: Runtime;
  now: () => number;
}

export interface StartSetOptions {
  app: App;
  /** The release whose image, config and process types run. */
  release: Release;
  /** Label the instances carry (the release number they belong to). */
  label: number;
  counts: Record<string, number>;
  readyTimeoutMs: number;
  progress: (line: string) => void;
}

const LOG_TAIL = 15;

export function instanceSpec(app: App, release: Release, label: number, process: string): InstanceSpec {
  const command = release.processTypes[process];
  return {
    app: app.name,
    release: label,
    process,
    image: release.image ?? '',
    ...(command ? { command } : {}),
    env: release.config,
  };
}

export async function startInstanceSet(deps: RolloutDeps, options: StartSetOptions): Promise<Instance[]> {
  const started: Instance[] = [];
  try {
    for (const [process, count] of Object.entries(options.counts)) {
      for (let i = 0; i < count; i++) started.push(await deps.runtime.start(instanceSpec(options.app, options.release, options.label, process)));
    }
    const web = started.filter((i) => i.endpoint);
    if (web.length > 0) options.progress(`Waiting for ${web.length} web instance${web.length > 1 ? 's' : ''} to become ready`);
    await gateOnReadiness(deps, options, web);
    return started;
  } catch (err) {
    await Promise.all(started.map((i) => deps.runtime.stop(i.id, 0).catch(() => undefined)));
    throw err;
  }
}

export async function gateOnReadiness(deps: RolloutDeps, options: Pick<StartSetOptions, 'app' | 'readyTimeoutMs'>, instances: Instance[]): Promise<void> {
  const deadline = deps.now() + options.readyTimeoutMs;
  const results = await Promise.all(instances.map(async (instance) => ({
    instance,
    result: await waitReady({
      endpoint: instance.endpoint!,
      path: options.app.healthcheckPath,
      deadline,
      now: deps.now,
      isDead: () => deathOf(deps.runtime, instance),
    }),
  })));
  const failed = results.find((r) => !r.result.ok);
  if (!failed || failed.result.ok) return;
  const tail = await logTail(deps.runtime, failed.instance);
  const how = options.app.healthcheckPath
    ? `answer GET ${options.app.healthcheckPath} with 2xx/3xx`
    : 'listen on the port given in $PORT (on 127.0.0.1 or 0.0.0.0)';
  throw new PaasError('RELEASE_FAILED', `${failed.instance.name} did not become ready: ${failed.result.reason}`, {
    hint: `The app must ${how} within ${Math.round(options.readyTimeoutMs / 1000)} s. Last log lines:\n${tail.join('\n') || '(no output)'}`,
  });
}

async function deathOf(runtime: Runtime, instance: Instance): Promise<string | undefined> {
  const [now] = (await runtime.list({ app: instance.app, release: instance.release, process: instance.process })).filter((i) => i.id === instance.id);
  if (!now) return 'the instance disappeared';
  if (now.state === 'exited' || now.state === 'stopped') return `it exited with code ${now.exitCode ?? '?'}`;
  if (now.state === 'restarting' || now.restartCount > 0) return `it crashed (exit code ${now.exitCode ?? '?'}) and is restarting`;
  return undefined;
}

export async function logTail(runtime: Runtime, instance: Instance): Promise<string[]> {
  const lines: string[] = [];
  try {
    for await (const line of runtime.logs({ app: instance.app, release: instance.release, process: instance.process }, { follow: false, tail: LOG_TAIL })) {
      if (line.source === instance.name) lines.push(line.line);
    }
  } catch {
    // the log tail decorates an error message; its absence must not hide the error
  }
  return lines.slice(-LOG_TAIL);
}
