/**
 * The push pipeline's ImageBuilder on a Docker engine: builds the pushed
 * commit with builder/ under a build tag, then tags it `<registry>/<app>:v<N>`
 * once the release number exists and pushes it when a registry is set.
 */
import type Dockerode from 'dockerode';
import { buildApp } from '../../builder/build-app.js';
import { appImageRepository, releaseImageTag } from '../../builder/image-names.js';
import { pushImage } from '../../builder/push-image.js';
import type { StackSettings } from '../../builder/stacks/stack.js';
import type { ImageBuilder } from './push-pipeline.js';

export interface DockerImageBuilderOptions {
  docker: Dockerode;
  stack: StackSettings;
  /** Registry host[:port]; empty keeps images on the engine. */
  registry: string;
  buildTimeoutMs: number;
  pushTimeoutMs: number;
}

export function createDockerImageBuilder(options: DockerImageBuilderOptions): ImageBuilder {
  const { docker } = options;
  const registry = options.registry || undefined;
  return {
    async build(input) {
      const result = await buildApp({
        docker,
        gitdir: input.gitdir,
        commit: input.commit,
        tag: `${appImageRepository({ app: input.app })}:build-${input.buildId.slice(0, 12)}`,
        settings: options.stack,
        onLog: input.onLog,
        signal: input.signal,
        timeoutMs: options.buildTimeoutMs,
        // Builds share the host network like the apps (DESIGN: no bridge).
        networkMode: 'host',
        // Each label is a build step; a per-build value would never be cached (~0.1 s a push).
        labels: { 'paas.dev/app': input.app },
      });
      return { image: result.imageId, processTypes: result.processTypes, stack: result.stack };
    },
    async publish(input) {
      const pushed = await pushImage({
        docker,
        imageId: input.image,
        repository: appImageRepository({ app: input.app, registry }),
        tag: releaseImageTag(input.version),
        push: registry !== undefined,
        onLog: input.onLog,
        timeoutMs: options.pushTimeoutMs,
      });
      return { image: pushed.reference, digest: pushed.digest };
    },
  };
}
