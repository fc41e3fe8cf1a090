/**
 * What a `git push` to main does once the pack is in quarantine: build the
 * pushed commit into an image, make it release vN, publish the image, roll
 * the release out. Every step reports to the pusher live; the outcome
 * decides whether the git endpoint moves `main` (only on success).
 */
import { randomUUID } from 'node:crypto';
import { PaasError } from '../errors.js';
import type { Controller } from '../controller/controller.js';
import { describeDeploy } from '../controller/describe.js';
import type { Logger } from '../http/errors.js';
import type { PublicUrls } from '../http/deps.js';
import type { Store } from '../store/store.js';
import type { App, User } from '../store/types.js';
import { BuildLog } from './build-log.js';

export interface BuiltImage {
  /** Local image reference (tag) the build produced. */
  image: string;
  processTypes: Record<string, string>;
  stack: string;
}

/** The builder as the pipeline needs it; main.ts adapts builder/ to this. */
export interface ImageBuilder {
  build(input: { app: string; buildId: string; commit: string; gitdir: string; onLog: (line: string) => void; signal: AbortSignal }): Promise<BuiltImage>;
  /** Tags the image for release vN and pushes it when a registry is configured. */
  publish(input: { image: string; app: string; version: number; onLog: (line: string) => void }): Promise<{ image: string; digest: string | null }>;
}

export interface PushRequest {
  app: App;
  user: User;
  commit: string;
  /** A gitdir through which the pushed (quarantined) objects are readable. */
  gitdir: string;
  progress: (line: string) => void;
  signal: AbortSignal;
}

export type PushResult = { ok: true; message: string } | { ok: false; reason: string };

export interface PushPipelineDeps {
  store: Store;
  controller: Controller;
  builder: ImageBuilder;
  urls: PublicUrls;
  now: () => Date;
  log: Logger;
}

export async function runPushPipeline(deps: PushPipelineDeps, push: PushRequest): Promise<PushResult> {
  const { app } = push;
  const build = await deps.store.createBuild({ id: randomUUID(), appId: app.id, commit: push.commit, createdBy: push.user.email });
  const log = new BuildLog(deps.store, build.id, push.progress);
  const fail = async (reason: string, extra: string[] = []): Promise<PushResult> => {
    for (const line of extra) log.line(line);
    await log.flush();
    // Every line already reached the pusher live; the stored log keeps them all.
    return { ok: false, reason };
  };

  log.header(`Building ${app.name} (${push.commit.slice(0, 7)}), build ${build.id.slice(0, 8)}`);
  await deps.store.updateBuild(build.id, { status: 'building' });
  let built: BuiltImage;
  try {
    built = await deps.builder.build({ app: app.name, buildId: build.id, commit: push.commit, gitdir: push.gitdir, onLog: (l) => log.line(l), signal: push.signal });
  } catch (err) {
    const reason = err instanceof PaasError ? err.message : 'the build failed unexpectedly';
    if (!(err instanceof PaasError)) deps.log(`build ${build.id} of ${app.name}: ${err instanceof Error ? err.stack : String(err)}`);
    await deps.store.updateBuild(build.id, { status: 'failed', error: reason, finishedAt: deps.now() });
    return fail(reason, err instanceof PaasError && err.hint ? err.hint.split('\n') : []);
  }
  await deps.store.updateBuild(build.id, { status: 'succeeded', image: built.image, processTypes: built.processTypes, stack: built.stack, finishedAt: deps.now() });
  log.line(`Built ${built.stack} app; process types: ${Object.keys(built.processTypes).join(', ')}`);

  const release = await deps.controller.createRelease({
    app, user: push.user, buildId: build.id, image: built.image, digest: null, processTypes: built.processTypes, description: describeDeploy(push.commit),
  });
  // Either way the push failed as a whole: no build of it may read as a success.
  const failRelease = async (message: string, err: unknown): Promise<PushResult> => {
    await deps.store.updateBuild(build.id, { status: 'failed', error: message });
    return fail(message, err instanceof PaasError && err.hint ? err.hint.split('\n') : []);
  };
  let published: { image: string; digest: string | null };
  try {
    log.header(`Publishing v${release.version}`);
    published = await deps.builder.publish({ image: built.image, app: app.name, version: release.version, onLog: (l) => log.line(l) });
  } catch (err) {
    const reason = err instanceof PaasError ? err.message : 'publishing the image failed unexpectedly';
    if (!(err instanceof PaasError)) deps.log(`publishing v${release.version} of ${app.name}: ${err instanceof Error ? err.stack : String(err)}`);
    await deps.store.setReleaseStatus(app.id, release.version, 'failed', reason);
    return failRelease(`v${release.version} failed: ${reason}`, err);
  }
  await deps.store.setReleaseImage(app.id, release.version, published.image, published.digest);
  await deps.store.updateBuild(build.id, { image: published.image, digest: published.digest });
  try {
    log.header(`Releasing v${release.version}`);
    await deps.controller.rollout(app, { ...release, image: published.image, digest: published.digest }, (l) => log.line(l));
  } catch (err) {
    // The controller marked the release failed and its message names it ("v4 failed: …").
    if (!(err instanceof PaasError)) deps.log(`release v${release.version} of ${app.name}: ${err instanceof Error ? err.stack : String(err)}`);
    return failRelease(err instanceof PaasError ? err.message : `v${release.version} failed: the release failed unexpectedly`, err);
  }
  // The git endpoint prints `message` to the pusher after this.
  const message = `Released v${release.version} ▸ ${deps.urls.webUrl(app.name)}`;
  await log.flush();
  return { ok: true, message };
}
