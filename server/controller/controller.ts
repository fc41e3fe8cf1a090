/**
 * The release lifecycle, as changes to the desired state. Every change that
 * affects what runs (a build, a config change, a rollback) becomes a numbered
 * release and goes live the same way: the release joins the traffic table at
 * weight 0 ▶ the applier starts its instance set ▶ the readiness gate waits
 * for the runtime to report it ready ▶ the traffic table moves to it ▶ the
 * applier publishes the route and retires what left the warm window.
 * Scaling and restarts change the serving set without a new release.
 *
 * Nothing here starts or stops an instance: the store says what is wanted,
 * the applier (applier.ts) makes the runtime converge, and this class waits
 * for the observed condition. A crash of the server at any point leaves a
 * desired state that the next start converges to.
 */
import { PaasError } from '../errors.js';
import type { Logger } from '../http/errors.js';
import type { ObservedSet, Runtime } from '../runtime/runtime.js';
import type { Store } from '../store/store.js';
import type { App, ConfigVars, Formation, Release, User } from '../store/types.js';
import { AppLocks } from './app-lock.js';
import type { Applier, ConvergeReport } from './applier.js';
import { describeConfigChange, describeRollback, instanceCounts } from './describe.js';
import { gateOnReadiness, setIsReady } from './gate.js';
import { waitForObserved } from './wait.js';

export interface ControllerSettings {
  warmReleases: number;
  readyTimeoutMs: number;
  releasePhaseTimeoutMs: number;
  maxInstancesPerType: number;
}

export interface ControllerDeps {
  store: Store;
  runtime: Runtime;
  applier: Applier;
  now: () => Date;
  log: Logger;
  settings: ControllerSettings;
}

export type Progress = (line: string) => void;

export interface NewDeploy {
  app: App;
  user: User;
  buildId: string | null;
  image: string;
  digest: string | null;
  processTypes: Record<string, string>;
  description: string;
}

export interface RollbackResult {
  release: Release;
  target: Release;
  previous: Release;
  warm: boolean;
  warnings: string[];
}

const quiet: Progress = () => undefined;
const WEB = 'web';

export class Controller {
  private readonly locks = new AppLocks();

  constructor(private readonly deps: ControllerDeps) {}

  /** Creates the release record (so its number can tag the image) without rolling it out. */
  async createRelease(input: NewDeploy): Promise<Release> {
    return this.deps.store.createRelease({
      appId: input.app.id,
      buildId: input.buildId,
      image: input.image,
      digest: input.digest,
      config: await this.deps.store.getConfig(input.app.id),
      processTypes: input.processTypes,
      description: input.description,
      createdBy: input.user.email,
      status: 'pending',
    });
  }

  /** Rolls a pending release out; on failure it is marked failed and traffic stays where it was. */
  rollout(app: App, release: Release, progress: Progress = quiet): Promise<Release> {
    return this.locks.run(app.name, () => this.rolloutLocked(app, release, progress, true));
  }

  private async rolloutLocked(app: App, release: Release, progress: Progress, runReleasePhase: boolean): Promise<Release> {
    const { store, applier } = this.deps;
    try {
      if (runReleasePhase && release.processTypes.release) await this.runReleasePhase(app, release, progress);
      const counts = instanceCounts(release.processTypes, await store.getFormation(app.id));
      const summary = Object.entries(counts).filter(([, n]) => n > 0).map(([t, n]) => `${t}=${n}`).join(' ');
      progress(`Starting v${release.version} (${summary || 'no processes'})`);
      await this.deps.runtime.ensureApp(app.name);
      await store.setTraffic(app.id, [...(await store.getTraffic(app.id)).filter((s) => s.version !== release.version), { version: release.version, weight: 0 }]);
      // Only the new release's own sets can fail it; trouble with the others is for the log and the next run.
      const started = this.note(app, await applier.converge(app.name), progress);
      const own = started.failures.find((f) => f.key?.release === release.version);
      if (own) throw own.error;
      const web = counts[WEB] ?? 0;
      if (web > 0) {
        progress(`Waiting for ${web} web instance${web > 1 ? 's' : ''} to become ready`);
        await gateOnReadiness(this.deps.runtime, { app, release: release.version, process: WEB, readyTimeoutMs: this.deps.settings.readyTimeoutMs });
      }
    } catch (err) {
      const reason = err instanceof PaasError ? err.message : 'internal error';
      if (!(err instanceof PaasError)) this.deps.log(`rollout of ${app.name} v${release.version}: ${err instanceof Error ? err.stack : String(err)}`);
      await store.setReleaseStatus(app.id, release.version, 'failed', reason);
      await this.dropFromTraffic(app, release.version);
      throw new PaasError('RELEASE_FAILED', `v${release.version} failed: ${reason}`, { cause: err, ...(err instanceof PaasError && err.hint ? { hint: err.hint } : {}) });
    }
    // From here the release is live, whatever happens to the clean-up that follows.
    await store.goLive(app.id, release.version);
    this.note(app, await applier.converge(app.name), progress);
    progress(`v${release.version} is live`);
    return (await store.getRelease(app.id, release.version))!;
  }

  /** Logs what a convergence could not do (and tells the pusher); paas tries again on the next change or sweep. */
  private note(app: App, report: ConvergeReport, progress: Progress = quiet): ConvergeReport {
    for (const failure of report.failures) {
      const what = failure.key ? `v${failure.key.release} ${failure.key.process}` : 'the live Service';
      const message = failure.error instanceof Error ? failure.error.message : String(failure.error);
      this.deps.log(`${app.name}: ${what}: ${message}`);
      progress(`Warning: ${what}: ${message} (paas retries on its own)`);
    }
    return report;
  }

  /** A failed release leaves the traffic table (it never had a share) and its set goes. */
  private async dropFromTraffic(app: App, version: number): Promise<void> {
    const traffic = await this.deps.store.getTraffic(app.id);
    if (!traffic.some((s) => s.version === version && s.weight === 0)) return;
    await this.deps.store.setTraffic(app.id, traffic.filter((s) => s.version !== version));
    await this.deps.applier.convergeQuietly(app.name);
  }

  private async runReleasePhase(app: App, release: Release, progress: Progress): Promise<void> {
    progress(`Running release phase: ${release.processTypes.release}`);
    await this.deps.store.markReleasePhase(app.id, release.version);
    await this.deps.runtime.ensureApp(app.name);
    const command = release.processTypes.release;
    const result = await this.deps.runtime.runOnce(
      { app: app.name, release: release.version, process: 'release', image: release.image ?? '', digest: release.digest, env: release.config, ...(command ? { command } : {}) },
      { timeoutMs: this.deps.settings.releasePhaseTimeoutMs, onLine: (line) => progress(`  ${line}`) },
    );
    if (result.exitCode !== 0) {
      throw new PaasError('RELEASE_FAILED', `release phase failed with exit code ${result.exitCode}`, {
        hint: `Fix the "release:" command in the Procfile; v${release.version} did not go live. Last output:\n${result.output.join('\n') || '(no output)'}`,
      });
    }
  }

  /** The release that gets (most of) the app's traffic now. */
  async servingRelease(app: App): Promise<Release | undefined> {
    const traffic = (await this.deps.store.getTraffic(app.id)).filter((s) => s.weight > 0);
    const top = [...traffic].sort((a, b) => b.weight - a.weight || b.version - a.version)[0];
    return top && (await this.deps.store.getRelease(app.id, top.version));
  }

  /** A config change makes a release with the same image; undefined before the first deploy. */
  async releaseConfig(input: { app: App; user: User; set: string[]; unset: string[]; config: ConfigVars }, progress: Progress = quiet): Promise<Release | undefined> {
    return this.locks.run(input.app.name, async () => {
      const base = await this.servingRelease(input.app);
      if (!base) return undefined;
      const release = await this.deps.store.createRelease({
        appId: input.app.id,
        buildId: base.buildId,
        image: base.image,
        digest: base.digest,
        config: input.config,
        processTypes: base.processTypes,
        description: describeConfigChange(input.set, input.unset),
        createdBy: input.user.email,
        status: 'pending',
      });
      return this.rolloutLocked(input.app, release, progress, false);
    });
  }

  async rollback(app: App, user: User, targetVersion?: number): Promise<RollbackResult> {
    return this.locks.run(app.name, async () => {
      const { store } = this.deps;
      const previous = await this.servingRelease(app);
      if (!previous) throw new PaasError('RELEASE_NOT_FOUND', `${app.name} has no live release to roll back from`, { hint: 'Deploy with "git push paas main" first.' });
      const target = targetVersion === undefined
        ? (await store.listReleases(app.id, 1, { before: previous.version, status: 'succeeded' }))[0]
        : await store.getRelease(app.id, targetVersion);
      if (!target) {
        throw new PaasError('RELEASE_NOT_FOUND', targetVersion === undefined ? `${app.name} has no earlier good release` : `${app.name} has no release v${targetVersion}`, {
          hint: `See the releases with "paas releases -a ${app.name}".`,
        });
      }
      if (target.status !== 'succeeded' || !target.image) {
        throw new PaasError('VALIDATION_FAILED', `v${target.version} never went live (${target.status}); rolling back to it would not work`, { hint: 'Pick a release whose status is succeeded.' });
      }
      if (target.version === previous.version || target.runsOn === previous.runsOn) {
        throw new PaasError('CONFLICT', `v${target.version} is already live${target.version === previous.version ? '' : ` (as v${previous.version})`}`, { hint: `See the releases with "paas releases -a ${app.name}".` });
      }

      const warm = isWarm(this.deps.runtime.observe(app.name), target.runsOn);
      const release = await store.createRelease({
        appId: app.id, buildId: target.buildId, image: target.image, digest: target.digest, config: target.config,
        processTypes: target.processTypes, description: describeRollback(target.version), createdBy: user.email, status: 'pending',
        ...(warm ? { runsOn: target.runsOn } : {}),
      });
      const warnings: string[] = [];
      if (warm) {
        // Only traffic moves; the warm set then gets the app's current formation.
        await store.goLive(app.id, release.version);
        this.note(app, await this.deps.applier.converge(app.name), (line) => warnings.push(line));
      } else {
        await this.rolloutLocked(app, release, quiet, false);
      }
      const between = await store.listReleases(app.id, previous.version - target.version, { before: previous.version + 1 });
      warnings.unshift(...between
        .filter((r) => r.version > target.version && r.ranReleasePhase)
        .map((r) => `v${r.version} ran a release phase; its data changes (e.g. migrations) are not rolled back`));
      return { release: (await store.getRelease(app.id, release.version))!, target, previous, warm, warnings };
    });
  }

  /**
   * Instance sets a rollback could move traffic to at once: every wanted web
   * instance runs and is ready, and they are not what serves now.
   */
  async warmSets(app: App): Promise<Set<number>> {
    const serving = await this.servingRelease(app);
    const observed = this.deps.runtime.observe(app.name);
    return new Set(observed.filter((s) => s.process === WEB && s.release !== serving?.runsOn && isWarm(observed, s.release)).map((s) => s.release));
  }

  async scale(app: App, changes: Formation): Promise<Formation> {
    return this.locks.run(app.name, async () => {
      const serving = await this.servingRelease(app);
      const known = serving ? Object.keys(serving.processTypes).filter((t) => t !== 'release') : ['web'];
      const problems = Object.entries(changes).flatMap(([type, n]) => [
        ...(known.includes(type) ? [] : [`no process type "${type}" in the current release (it has ${known.join(', ')})`]),
        ...(Number.isInteger(n) && n >= 0 && n <= this.deps.settings.maxInstancesPerType ? [] : [`${type}=${n}: want a whole number from 0 to ${this.deps.settings.maxInstancesPerType}`]),
      ]);
      if (problems.length > 0) throw new PaasError('VALIDATION_FAILED', `Cannot scale: ${problems.join('; ')}`, { hint: 'Usage: paas ps:scale web=2 worker=1' });
      const formation = await this.deps.store.setFormation(app.id, changes);
      if (serving) {
        const report = this.note(app, await this.deps.applier.converge(app.name));
        const own = report.failures.find((f) => f.key?.release === serving.runsOn);
        if (own) throw own.error;
        const wanted = instanceCounts(serving.processTypes, formation);
        await this.waitSettled(app, serving.runsOn, Object.keys(changes), 'scaling', (s) => s.replicas === wanted[s.process]);
      }
      return formation;
    });
  }

  /** Rolling restart: each instance is replaced by a ready one before it leaves rotation. */
  async restart(app: App, process?: string): Promise<number> {
    return this.locks.run(app.name, async () => {
      const serving = await this.servingRelease(app);
      if (!serving) return 0;
      if (process !== undefined && !(process in serving.processTypes)) {
        throw new PaasError('VALIDATION_FAILED', `No process type "${process}" in v${serving.version} (it has ${Object.keys(serving.processTypes).join(', ')})`, { hint: 'Usage: paas ps:restart [TYPE]' });
      }
      const sets = this.deps.runtime.observe(app.name).filter((s) => s.release === serving.runsOn && s.replicas > 0 && (!process || s.process === process));
      const token = this.deps.now().toISOString();
      await Promise.all(sets.map((s) => this.deps.runtime.restartSet(s, token)));
      await this.waitSettled(app, serving.runsOn, sets.map((s) => s.process), 'restarting', (s) => s.template === token);
      return sets.reduce((sum, s) => sum + s.replicas, 0);
    });
  }

  /**
   * Waits until the named sets of a release run their wanted, ready, current
   * instances. `seen` says the runtime has seen the change at all (its view
   * may lag the request: a watch event is still on its way).
   */
  private async waitSettled(app: App, release: number, processes: string[], doing: string, seen: (set: ObservedSet) => boolean): Promise<void> {
    const wanted = (sets: ObservedSet[]) => sets.filter((s) => s.release === release && processes.includes(s.process));
    const settled = await waitForObserved(this.deps.runtime, app.name, (sets) => {
      const mine = wanted(sets);
      const failed = mine.find((s) => s.failure);
      if (failed) return failed;
      return mine.length === processes.length && mine.every((s) => seen(s) && setIsReady(s)) ? 'ok' : undefined;
    }, this.deps.settings.readyTimeoutMs * 2);
    // The route names the new instances before the command returns.
    if (settled === 'ok') {
      this.note(app, await this.deps.applier.converge(app.name));
      return;
    }
    const problem = settled?.failure
      ? `${settled.failure.instance}: ${settled.failure.reason}`
      : wanted(this.deps.runtime.observe(app.name)).map((s) => `${s.process} ${s.readyReplicas}/${s.replicas} ready`).join(', ');
    throw new PaasError('NOT_READY', `${app.name} v${release}: ${doing} did not finish: ${problem}`, {
      hint: `The new instances keep trying. See "paas ps -a ${app.name}" and "paas logs -a ${app.name}".`,
    });
  }

  /**
   * After a server start: what was interrupted is marked failed and leaves
   * the traffic table (in one transaction, whatever the number of apps),
   * then every app converges (sets outside the warm window go, missing
   * instances of live and warm sets come back, routes are published). Apps
   * that run without a record any more (destroyed while the server was down)
   * go too.
   */
  async reconcileAll(): Promise<void> {
    const settled = await this.deps.store.settleInterrupted({
      release: 'interrupted: the server restarted during the rollout',
      build: 'interrupted: the server restarted during the build',
    }, this.deps.now());
    if (settled.releases + settled.builds > 0) this.deps.log(`marked ${settled.releases} interrupted release(s) and ${settled.builds} build(s) failed`);
    await this.deps.applier.convergeAll();
  }

  /** Stops everything of an app and drops its routes (before its records go). */
  async destroy(app: App): Promise<void> {
    await this.locks.run(app.name, async () => {
      await this.deps.store.setTraffic(app.id, []);
      this.note(app, await this.deps.applier.converge(app.name));
      await this.deps.runtime.removeApp(app.name);
    });
  }

  /** Waits for convergence runs in flight (tests, shutdown). */
  idle(): Promise<void> {
    return this.deps.applier.idle();
  }
}

/** A set traffic can move to at once: all its wanted web instances run and pass readiness. */
function isWarm(observed: ObservedSet[], release: number): boolean {
  const web = observed.find((s) => s.release === release && s.process === WEB);
  return web !== undefined && web.replicas > 0 && !web.failure && setIsReady(web);
}
