/**
 * The release lifecycle. Every change that affects what runs (a build, a
 * config change, a rollback) becomes a numbered release and goes live the
 * same way: start instances ▶ gate on readiness ▶ move traffic ▶ keep the
 * previous release warm ▶ retire older instances after draining. Scaling and
 * restarts change instances of the serving release without a new release.
 *
 * Traffic moves only in the store (`traffic`) followed by a route sync, so
 * the router, in-process or remote, follows the store.
 */
import { PaasError } from '../errors.js';
import type { Logger } from '../http/errors.js';
import type { Instance, Runtime } from '../runtime/runtime.js';
import type { Store } from '../store/store.js';
import type { App, ConfigVars, Formation, Release, User } from '../store/types.js';
import { AppLocks } from './app-lock.js';
import { describeConfigChange, describeRollback, instanceCounts } from './describe.js';
import { gateOnReadiness, instanceSpec, startInstanceSet } from './rollout.js';
import type { RouteSync } from './route-sync.js';
import { instanceSetsToKeep } from './warm.js';

export interface ControllerSettings {
  warmReleases: number;
  readyTimeoutMs: number;
  drainMs: number;
  releasePhaseTimeoutMs: number;
  maxInstancesPerType: number;
}

export interface ControllerDeps {
  store: Store;
  runtime: Runtime;
  routes: RouteSync;
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

export class Controller {
  private readonly locks = new AppLocks();
  private readonly retiring = new Set<Promise<void>>();
  /** Instances out of rotation and about to stop: no longer part of any formation. */
  private readonly draining = new Set<string>();

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
    try {
      if (runReleasePhase && release.processTypes.release) await this.runReleasePhase(app, release, progress);
      const counts = instanceCounts(release.processTypes, await this.deps.store.getFormation(app.id));
      const summary = Object.entries(counts).filter(([, n]) => n > 0).map(([t, n]) => `${t}=${n}`).join(' ');
      progress(`Starting v${release.version} (${summary || 'no processes'})`);
      const instances = await startInstanceSet(
        { runtime: this.deps.runtime, now: () => this.deps.now().getTime() },
        { app, release, label: release.version, counts, readyTimeoutMs: this.deps.settings.readyTimeoutMs, progress },
      );
      await this.moveTraffic(app, release.version, instances);
      await this.deps.store.setReleaseStatus(app.id, release.version, 'succeeded');
      progress(`v${release.version} is live`);
      return (await this.deps.store.getRelease(app.id, release.version))!;
    } catch (err) {
      const reason = err instanceof PaasError ? err.message : 'internal error';
      await this.deps.store.setReleaseStatus(app.id, release.version, 'failed', reason);
      throw new PaasError('RELEASE_FAILED', `v${release.version} failed: ${reason}`, { cause: err, ...(err instanceof PaasError && err.hint ? { hint: err.hint } : {}) });
    }
  }

  private async runReleasePhase(app: App, release: Release, progress: Progress): Promise<void> {
    progress(`Running release phase: ${release.processTypes.release}`);
    await this.deps.store.markReleasePhase(app.id, release.version);
    const result = await this.deps.runtime.runOnce(instanceSpec(app, release, release.version, 'release'), this.deps.settings.releasePhaseTimeoutMs);
    for (const line of result.output) progress(`  ${line}`);
    if (result.exitCode !== 0) {
      throw new PaasError('RELEASE_FAILED', `release phase failed with exit code ${result.exitCode}`, {
        hint: `Fix the "release:" command in the Procfile; v${release.version} did not go live. Last output:\n${result.output.join('\n') || '(no output)'}`,
      });
    }
  }

  /** All new traffic to `version`; previous instance sets drain, the warm ones stay. */
  private async moveTraffic(app: App, version: number, ready: Instance[]): Promise<void> {
    this.deps.routes.markReady(ready.filter((i) => i.endpoint).map((i) => i.id));
    await this.deps.store.setTraffic(app.id, [{ version, weight: 100 }]);
    await this.deps.routes.sync();
    await this.retireUnwanted(app);
  }

  /** Takes instance sets outside the warm window out of rotation, then stops them after the drain time. */
  private async retireUnwanted(app: App): Promise<void> {
    const releases = await this.deps.store.listReleases(app.id, 1000);
    const keep = instanceSetsToKeep(releases, await this.deps.store.getTraffic(app.id), this.deps.settings.warmReleases);
    const doomed = (await this.deps.runtime.list({ app: app.name })).filter((i) => !keep.has(i.release));
    this.retire(doomed);
  }

  private retire(instances: Instance[]): void {
    if (instances.length === 0) return;
    for (const i of instances) this.draining.add(i.id);
    this.deps.routes.markNotReady(instances.map((i) => i.id));
    const done = (async () => {
      await this.deps.routes.sync();
      await new Promise((r) => setTimeout(r, this.deps.settings.drainMs));
      await Promise.all(instances.map((i) => this.deps.runtime.stop(i.id, 10).catch((err: unknown) => {
        this.deps.log(`stopping ${i.app} ${i.name}: ${err instanceof Error ? err.message : String(err)}`);
      })));
    })().finally(() => {
      for (const i of instances) this.draining.delete(i.id);
    });
    this.retiring.add(done);
    void done.finally(() => this.retiring.delete(done));
  }

  /** Waits for background retirements (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.retiring.size > 0) await Promise.all([...this.retiring]);
  }

  /** The release that gets (most of) the app's traffic now. */
  async servingRelease(app: App): Promise<Release | undefined> {
    const traffic = await this.deps.store.getTraffic(app.id);
    const top = [...traffic].sort((a, b) => b.weight - a.weight)[0];
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
      const previous = await this.servingRelease(app);
      if (!previous) throw new PaasError('RELEASE_NOT_FOUND', `${app.name} has no live release to roll back from`, { hint: 'Deploy with "git push paas main" first.' });
      const releases = await this.deps.store.listReleases(app.id, 1000);
      const target = targetVersion === undefined
        ? releases.find((r) => r.version < previous.version && r.status === 'succeeded')
        : releases.find((r) => r.version === targetVersion);
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

      const warmInstances = await this.warmInstances(app, target.runsOn);
      const release = await this.deps.store.createRelease({
        appId: app.id, buildId: target.buildId, image: target.image, digest: target.digest, config: target.config,
        processTypes: target.processTypes, description: describeRollback(target.version), createdBy: user.email, status: 'pending',
        ...(warmInstances ? { runsOn: target.runsOn } : {}),
      });
      if (warmInstances) {
        await this.moveTraffic(app, release.version, warmInstances);
        await this.deps.store.setReleaseStatus(app.id, release.version, 'succeeded');
        // The warm set kept the formation it had; the app's current one (after a scale) wins.
        await this.applyFormation(app, release, await this.deps.store.getFormation(app.id));
      } else {
        await this.rolloutLocked(app, release, quiet, false);
      }
      const warnings = releases
        .filter((r) => r.version > target.version && r.version <= previous.version && r.ranReleasePhase)
        .map((r) => `v${r.version} ran a release phase; its data changes (e.g. migrations) are not rolled back`);
      return { release: (await this.deps.store.getRelease(app.id, release.version))!, target, previous, warm: warmInstances !== undefined, warnings };
    });
  }

  /**
   * Instance sets a rollback could move traffic to at once: all their web
   * instances run and are ready, and they are not what serves now.
   */
  async warmSets(app: App): Promise<Set<number>> {
    const serving = await this.servingRelease(app);
    const bySet = new Map<number, Instance[]>();
    for (const i of await this.deps.runtime.list({ app: app.name })) bySet.set(i.release, [...(bySet.get(i.release) ?? []), i]);
    return new Set([...bySet].filter(([label, set]) => label !== serving?.runsOn && this.warmOnly(set)).map(([label]) => label));
  }

  /** The instances of an instance set when all its web instances are running and ready; otherwise undefined. */
  private async warmInstances(app: App, label: number): Promise<Instance[] | undefined> {
    return this.warmOnly(await this.deps.runtime.list({ app: app.name, release: label }));
  }

  /** Pure: the set without its draining instances, if it can take traffic at once. */
  private warmOnly(set: Instance[]): Instance[] | undefined {
    const instances = set.filter((i) => !this.draining.has(i.id));
    const web = instances.filter((i) => i.process === 'web');
    if (web.length === 0 || !web.every((i) => i.state === 'running' && this.deps.routes.isReady(i.id))) return undefined;
    return instances;
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
      if (serving) await this.applyFormation(app, serving, formation);
      return formation;
    });
  }

  private async applyFormation(app: App, serving: Release, formation: Formation): Promise<void> {
    const running = (await this.deps.runtime.list({ app: app.name, release: serving.runsOn })).filter((i) => !this.draining.has(i.id));
    const base = (await this.deps.store.getRelease(app.id, serving.runsOn)) ?? serving;
    const counts = instanceCounts(serving.processTypes, formation);
    const toStart: Record<string, number> = {};
    const toStop: Instance[] = [];
    for (const [type, want] of Object.entries(counts)) {
      const have = running.filter((i) => i.process === type).sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
      if (want > have.length) toStart[type] = want - have.length;
      else toStop.push(...have.slice(want));
    }
    if (Object.keys(toStart).length > 0) {
      const started = await startInstanceSet(
        { runtime: this.deps.runtime, now: () => this.deps.now().getTime() },
        { app, release: base, label: serving.runsOn, counts: toStart, readyTimeoutMs: this.deps.settings.readyTimeoutMs, progress: quiet },
      );
      this.deps.routes.markReady(started.filter((i) => i.endpoint).map((i) => i.id));
      await this.deps.routes.sync();
    }
    this.retire(toStop);
  }

  /** Rolling restart: each instance is replaced by a ready one before it leaves rotation. */
  async restart(app: App, process?: string): Promise<number> {
    return this.locks.run(app.name, async () => {
      const serving = await this.servingRelease(app);
      if (!serving) return 0;
      const base = (await this.deps.store.getRelease(app.id, serving.runsOn)) ?? serving;
      if (process !== undefined && !(process in serving.processTypes)) {
        throw new PaasError('VALIDATION_FAILED', `No process type "${process}" in v${serving.version} (it has ${Object.keys(serving.processTypes).join(', ')})`, { hint: 'Usage: paas ps:restart [TYPE]' });
      }
      const old = (await this.deps.runtime.list({ app: app.name, release: serving.runsOn })).filter((i) => (!process || i.process === process) && !this.draining.has(i.id));
      const rollout = { runtime: this.deps.runtime, now: () => this.deps.now().getTime() };
      for (const instance of old) {
        const fresh = await this.deps.runtime.start(instanceSpec(app, base, serving.runsOn, instance.process));
        try {
          if (fresh.endpoint) await gateOnReadiness(rollout, { app, readyTimeoutMs: this.deps.settings.readyTimeoutMs }, [fresh]);
        } catch (err) {
          await this.deps.runtime.stop(fresh.id, 0).catch(() => undefined);
          throw err;
        }
        if (fresh.endpoint) this.deps.routes.markReady([fresh.id]);
        this.retire([instance]);
      }
      await this.deps.routes.sync();
      return old.length;
    });
  }

  /**
   * After a server start: what was interrupted is marked failed, instance sets
   * outside the warm window go, and the serving release gets its formation
   * back (containers removed by hand, or lost with the host, are started).
   */
  async reconcile(app: App): Promise<void> {
    await this.locks.run(app.name, async () => {
      for (const release of await this.deps.store.listReleases(app.id, 1000)) {
        if (release.status === 'pending') await this.deps.store.setReleaseStatus(app.id, release.version, 'failed', 'interrupted: the server restarted during the rollout');
      }
      for (const build of await this.deps.store.listBuilds(app.id, 1000)) {
        if (build.status === 'pending' || build.status === 'building') {
          await this.deps.store.updateBuild(build.id, { status: 'failed', error: 'interrupted: the server restarted during the build', finishedAt: this.deps.now() });
        }
      }
      await this.retireUnwanted(app);
      const serving = await this.servingRelease(app);
      if (serving) await this.applyFormation(app, serving, await this.deps.store.getFormation(app.id));
    });
  }

  /** Stops everything of an app and drops its routes (before its records go). */
  async destroy(app: App): Promise<void> {
    await this.locks.run(app.name, async () => {
      const instances = await this.deps.runtime.list({ app: app.name });
      this.deps.routes.markNotReady(instances.map((i) => i.id));
      await this.deps.store.setTraffic(app.id, []);
      await this.deps.routes.sync();
      await Promise.all(instances.map((i) => this.deps.runtime.stop(i.id, 5).catch(() => undefined)));
    });
  }
}
