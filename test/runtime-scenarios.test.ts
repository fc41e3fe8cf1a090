/**
 * One scenario suite, every runtime: the release lifecycle a user sees
 * (deploy, config change, scale, rolling restart, warm and cold rollback,
 * failed readiness, crash loop, failed release phase, server restart with
 * adoption, destroy) runs against the Docker driver on the real engine and
 * the Kubernetes driver against the API double, with the same assertions:
 * release statuses, the `X-Paas-Release` of real requests through the
 * router, and zero failed requests in a bounded request loop through
 * deploys, restarts and warm rollbacks. The Kubernetes run also checks the
 * objects it leaves (kubernetes-objects.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { App } from '../server/store/types.js';
import { dockerHarness } from './support/harness-docker.js';
import { kubernetesHarness } from './support/harness-kubernetes.js';
import type { RuntimeHarness } from './support/harness.js';
import { ScenarioPlatform, until, type Routed } from './support/scenario-platform.js';

const harnesses: Array<() => Promise<RuntimeHarness | string>> = [dockerHarness, kubernetesHarness];

for (const makeHarness of harnesses) {
  describe(`release scenarios (${makeHarness === dockerHarness ? 'docker' : 'kubernetes'})`, { concurrency: false }, () => {
    let harness: RuntimeHarness;
    let skip: string | undefined;
    let platform: ScenarioPlatform;
    let app: App;

    const served = async (name = app.name): Promise<{ header: string | undefined; release: string | undefined; greeting: string | undefined }> => {
      const res = await platform.get(name);
      assert.equal(res.status, 200, `${name}: ${res.status} ${res.body}`);
      return { header: res.release, ...harness.answer(res.body) };
    };
    /** Stops a load loop after a moment more of requests, and asserts none failed. */
    const finish = async (load: { stop(): Promise<Routed[]> }, what: string) => {
      await new Promise((r) => setTimeout(r, 400));
      noFailures(await load.stop(), what);
    };
    const noFailures = (results: Routed[], what: string) => {
      const failed = results.filter((r) => r.status !== 200);
      assert.ok(results.length >= 20, `the load loop ran (${results.length} requests)`);
      assert.deepEqual(failed.slice(0, 5), [], `${failed.length} of ${results.length} requests failed ${what}`);
    };

    before(async () => {
      const made = await makeHarness();
      if (typeof made === 'string') {
        skip = made;
        return;
      }
      harness = made;
      platform = await ScenarioPlatform.start(() => harness.makeRuntime(), { readyTimeoutMs: harness.readyTimeoutMs });
      app = await platform.createApp(`sc-${harness.name.slice(0, 4)}`);
    });
    after(async () => {
      await platform?.close();
      await harness?.close();
    });

    test('first deploy: v1 goes live behind the router', async (t) => {
      if (skip) return t.skip(skip);
      const v1 = await platform.deploy(app, harness.release('good'));
      assert.equal(v1.status, 'succeeded');
      assert.deepEqual(await served(), { header: 'v1', release: 'v1', greeting: undefined });
      await harness.checkObjects?.(platform, app.name, { live: 1, sets: [1] });
    });

    test('deploy v2 under load: zero failed requests, v2 serves, v1 stays warm', async (t) => {
      if (skip) return t.skip(skip);
      const load = platform.load(app.name);
      const v2 = await platform.deploy(app, harness.release('good'));
      await until('v2 served', () => platform.get(app.name), (r) => r.release === 'v2');
      await finish(load, 'during the deploy');
      assert.equal(v2.version, 2);
      assert.deepEqual([...(await platform.controller.warmSets(app))], [1]);
    });

    test('a config change makes a release with the same image whose instances see the new value', async (t) => {
      if (skip) return t.skip(skip);
      await platform.store.updateConfig(app.id, { GREETING: 'bonjour' }, []);
      const v3 = await platform.controller.releaseConfig({ app, user: platform.user, set: ['GREETING'], unset: [], config: { GREETING: 'bonjour' } });
      assert.equal(v3?.description, 'Set GREETING');
      assert.deepEqual(await served(), { header: 'v3', release: 'v3', greeting: 'bonjour' });
      await harness.checkObjects?.(platform, app.name, { live: 3, sets: [2, 3] });
    });

    test('scale to 3 and back to 1 under load without a failed request', async (t) => {
      if (skip) return t.skip(skip);
      const load = platform.load(app.name);
      await platform.controller.scale(app, { web: 3 });
      const web = () => platform.runtime.observe(app.name).find((s) => s.release === 3 && s.process === 'web')!;
      assert.equal(web().readyReplicas, 3);
      const endpoints = platform.hub.route(app.name)!.releases[0]!.endpoints;
      assert.equal(endpoints.length, 3, 'the route lists the three instances');
      await platform.controller.scale(app, { web: 1 });
      await until('one instance left', () => web(), (s) => s.instances.length === 1);
      await finish(load, 'while scaling');
    });

    test('a rolling restart replaces every instance without a failed request', async (t) => {
      if (skip) return t.skip(skip);
      const before = platform.runtime.observe(app.name).find((s) => s.release === 3)!.instances.map((i) => i.id);
      const load = platform.load(app.name);
      assert.equal(await platform.controller.restart(app), 1);
      const after = await until('old instances gone', () => platform.runtime.observe(app.name).find((s) => s.release === 3)!, (s) => s.instances.length === 1 && !before.includes(s.instances[0]!.id));
      await finish(load, 'during the restart');
      assert.equal(after.readyReplicas, 1);
    });

    test('a warm rollback only moves traffic: instant, nothing starts, zero failed requests', async (t) => {
      if (skip) return t.skip(skip);
      const instancesBefore = platform.runtime.observe(app.name).flatMap((s) => s.instances.map((i) => i.id)).sort();
      const load = platform.load(app.name);
      const started = performance.now();
      const result = await platform.controller.rollback(app, platform.user);
      const took = performance.now() - started;
      assert.equal(result.warm, true);
      assert.equal(result.target.version, 2);
      assert.ok(took < 1000, `rollback took ${took} ms`);
      await until('v4 served by v2\'s instances', () => served(), (s) => s.header === 'v4' && s.release === 'v2');
      await finish(load, 'during the warm rollback');
      const instancesAfter = platform.runtime.observe(app.name).flatMap((s) => s.instances.map((i) => i.id)).sort();
      assert.deepEqual(instancesAfter.filter((id) => !instancesBefore.includes(id)), [], 'no instance started');
      await harness.checkObjects?.(platform, app.name, { live: 2, sets: [2, 3] });
    });

    test('a rollback to a release outside the warm window starts it again from its image and config', async (t) => {
      if (skip) return t.skip(skip);
      const result = await platform.controller.rollback(app, platform.user, 1);
      assert.equal(result.warm, false);
      assert.equal(result.release.version, 5);
      assert.deepEqual(await served(), { header: 'v5', release: 'v5', greeting: undefined });
    });

    test('a release that never gets ready fails, is removed, and v5 keeps serving', async (t) => {
      if (skip) return t.skip(skip);
      await assert.rejects(platform.deploy(app, harness.release('never-ready')), /v6 failed: .*did not become ready: /);
      await assertStillServing('v5', 6);
    });

    test('a release that crashes at start fails with the reason', async (t) => {
      if (skip) return t.skip(skip);
      await assert.rejects(platform.deploy(app, harness.release('crash')), /v7 failed: .*(crashed|exited)/);
      await assertStillServing('v5', 7);
    });

    test('a failing release phase stops the release before any instance starts', async (t) => {
      if (skip) return t.skip(skip);
      await assert.rejects(platform.deploy(app, harness.release('release-phase-fails')), /v8 failed: release phase failed with exit code 3/);
      await assertStillServing('v5', 8);
    });

    test('after a server restart the instances are adopted, not restarted, and a rollback is still warm', async (t) => {
      if (skip) return t.skip(skip);
      const ids = () => platform.runtime.observe(app.name).flatMap((s) => s.instances.filter((i) => i.state !== 'stopping').map((i) => i.id)).sort();
      const before = ids();
      const load = platform.load(app.name);
      await platform.restart();
      assert.deepEqual(ids(), before, 'the same instances');
      assert.deepEqual(await served(), { header: 'v5', release: 'v5', greeting: undefined });
      const result = await platform.controller.rollback(app, platform.user);
      assert.equal(result.warm, true, 'the warm set survived the restart');
      await until('v9 served', () => served(), (s) => s.header === 'v9');
      await finish(load, 'through the restart and rollback');
    });

    test('destroying the app removes everything it ran, and the router forgets it', async (t) => {
      if (skip) return t.skip(skip);
      await platform.controller.destroy(app);
      await platform.store.deleteApp(app.id);
      assert.equal((await platform.get(app.name)).status, 404);
      await until('nothing left', () => platform.runtime.observe(app.name), (sets) => sets.length === 0, 30_000);
      await harness.checkGone?.(app.name);
    });

    async function assertStillServing(release: string, failed: number): Promise<void> {
      assert.equal((await served()).header, release);
      assert.match(await platform.statuses(app), new RegExp(`v${failed} failed$`));
      assert.deepEqual(platform.runtime.observe(app.name).filter((s) => s.release === failed && s.instances.some((i) => i.state !== 'stopping')), [], 'the failed set is removed');
      assert.deepEqual((await platform.store.getTraffic(app.id)).map((s) => `v${s.version}=${s.weight}`), [`${release}=100`]);
    }
  });
}
