/**
 * The control plane assembled from its parts: store ▶ runtime ▶ applier
 * (convergence, route publication) ▶ controller ▶ push pipeline ▶ HTTP (API
 * + git). main.ts builds the real adapters (SQLite, dockerode or a
 * KubeConfig, clock, logger) and hands them in; nothing here reads the
 * environment or opens a client itself.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type express from 'express';
import { Applier } from './controller/applier.js';
import { Controller } from './controller/controller.js';
import { createDockerImageBuilder } from './deploy/docker-image-builder.js';
import { runPushPipeline } from './deploy/push-pipeline.js';
import { createGitRouter, repoGitdir } from './git/index.js';
import { appAccess } from './http/access.js';
import { createApiApp } from './http/app.js';
import { authenticateBasic } from './http/basic-auth.js';
import type { ApiDeps, PublicUrls } from './http/deps.js';
import type { Logger } from './http/errors.js';
import { buildRoutes } from './http/routes/builds.js';
import { logRoutes } from './http/routes/logs.js';
import { processRoutes } from './http/routes/processes.js';
import { releaseRoutes } from './http/routes/releases.js';
import { routesWatchRoutes } from './http/routes/routes-watch.js';
import { PaasError } from './errors.js';
import { RouteHub } from './routes/route-hub.js';
import type { Runtime } from './runtime/runtime.js';
import type { Store } from './store/store.js';
import type { User } from './store/types.js';
import type { ServerConfig } from './config.js';
import type Dockerode from 'dockerode';

export interface PlatformDeps {
  config: ServerConfig;
  store: Store;
  runtime: Runtime;
  docker: Dockerode;
  urls: PublicUrls;
  now: () => Date;
  log: Logger;
  /** PEM bundle for dependency installs in builds (config.buildCaFile, read by main.ts). */
  buildCaCerts?: string;
}

export interface Platform {
  app: express.Express;
  hub: RouteHub;
  controller: Controller;
  /** Adopts running instances, converges every app, publishes the first route table. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Every app is converged this often even when nothing reported a change: the
 * safety net for a lost event. Cheap when nothing changed (no runtime call,
 * no route published).
 */
const SWEEP_MS = 60_000;
const MAX_INSTANCES_PER_TYPE = 20;
const RELEASE_PHASE_TIMEOUT_MS = 10 * 60_000;
const PUSH_TIMEOUT_MS = 10 * 60_000;

export function createPlatform(deps: PlatformDeps): Platform {
  const { config, store, runtime, log, now } = deps;
  const reposDir = join(config.dataDir, 'repos');
  const hub = new RouteHub();
  const applier = new Applier({ store, runtime, hub, log, warmReleases: config.warmReleases });
  const controller = new Controller({
    store, runtime, applier, now, log,
    settings: {
      warmReleases: config.warmReleases,
      readyTimeoutMs: config.readyTimeoutSeconds * 1000,
      releasePhaseTimeoutMs: RELEASE_PHASE_TIMEOUT_MS,
      maxInstancesPerType: MAX_INSTANCES_PER_TYPE,
    },
  });
  const builder = createDockerImageBuilder({
    docker: deps.docker,
    stack: {
      stackImage: config.stackImage,
      stackImages: { node: config.nodeStackImage, static: config.staticStackImage },
      ...(deps.buildCaCerts ? { extraCaCerts: deps.buildCaCerts } : {}),
      ...(config.npmRegistry ? { npmRegistry: config.npmRegistry } : {}),
    },
    registry: config.registry,
    buildTimeoutMs: config.buildTimeoutSeconds * 1000,
    pushTimeoutMs: PUSH_TIMEOUT_MS,
  });

  const git = createGitRouter<User>({
    reposDir,
    maxPushBytes: config.maxPushMegabytes * 1024 * 1024,
    log,
    async authenticate(req) {
      const result = await authenticateBasic(req, store, now());
      if (result.kind === 'user') return result.user;
      if (result.kind === 'invalid') throw new PaasError('UNAUTHORIZED', 'Invalid or expired token', { hint: 'Run "paas login" again, or create a token with "paas tokens:create".' });
      return undefined;
    },
    async authorize(user, app) {
      await appAccess(store, user, app, 'member');
    },
    async onPush(push) {
      const app = await store.getApp(push.app);
      if (!app) return { ok: false, reason: `app ${push.app} no longer exists` };
      return runPushPipeline(
        { store, controller, builder, urls: deps.urls, now, log },
        { app, user: push.user, commit: push.newOid, gitdir: push.gitdir, progress: push.progress, signal: push.signal },
      );
    },
  });

  const apiDeps: ApiDeps = {
    store, now, urls: deps.urls, log,
    hooks: {
      async configChanged(change) {
        const release = await controller.releaseConfig({ app: change.app, user: change.user, set: Object.keys(change.set), unset: change.unset, config: change.config });
        return release && { version: release.version };
      },
      async appCreated(app) {
        await runtime.ensureApp(app.name);
      },
      async appDestroying(app) {
        await controller.destroy(app);
        await rm(repoGitdir(reposDir, app.name), { recursive: true, force: true });
      },
    },
  };
  let started = false;
  let sweep: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  const app = createApiApp({
    deps: apiDeps,
    maxBodyBytes: config.maxBodyKilobytes * 1024,
    extraRouters: [git],
    apiRouters: [
      releaseRoutes({ store, controller }),
      processRoutes({ store, runtime, controller }),
      logRoutes({ store, runtime }),
      buildRoutes({ store }),
      routesWatchRoutes(hub),
    ],
    ready: () => started,
  });

  return {
    app, hub, controller,
    async start() {
      // Adopt what runs (with one readiness probe each), then converge every app and publish the whole table.
      await runtime.start();
      unsubscribe = runtime.onChange((name) => void applier.convergeQuietly(name));
      await controller.reconcileAll();
      hub.markComplete();
      started = true;
      sweep = setInterval(() => void applier.convergeAll(), SWEEP_MS);
      sweep.unref();
    },
    async stop() {
      clearInterval(sweep);
      unsubscribe?.();
      await controller.idle();
      await runtime.close();
    },
  };
}
