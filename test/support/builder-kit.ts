/**
 * What the builder's Docker tests share: a Docker client, image names under
 * a `paas-test-…` prefix that cleanup can find, and `buildFixture`, which
 * commits a fixture app with real git and builds it with the real engine,
 * collecting the log lines the way `git push` would show them.
 */
import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { buildApp, type BuildAppOptions, type BuildAppResult } from '../../builder/build-app.js';
import { STACK_IMAGE_DEFAULT } from '../../builder/stack-image.js';
import type { StackSettings } from '../../builder/stacks/stack.js';
import { fixtureRepo, type ExtraFiles, type FixtureRepo } from './app-fixtures.js';
import { removeImages, requireImage } from './docker-run.js';

export const docker = new Docker({ socketPath: '/var/run/docker.sock' });

/** Distinct per test process, so parallel runs never share tags. */
const RUN_ID = randomBytes(4).toString('hex');
const madeTags = new Set<string>();
/**
 * Image ids the builds printed (" ---> 1a2b3c4d5e6f"). Multi-stage builds
 * leave the deps stage as an untagged image (the install cache); removing
 * these after the tests keeps the engine clean. Ids still used by a tagged
 * image are refused by the engine (409) and left alone.
 */
const seenIds = new Set<string>();
const STEP_ID = /^ ---> ([0-9a-f]{12})$/;

/** "paas-test-builder-<run>/<name>:<tag>", remembered for removeTestImages(). */
export function testImageTag(name: string, tag = 'v1'): string {
  const ref = `paas-test-builder-${RUN_ID}/${name}:${tag}`;
  madeTags.add(ref);
  return ref;
}

export async function removeTestImages(): Promise<void> {
  await removeImages(docker, madeTags);
  madeTags.clear();
  for (const id of [...seenIds].reverse()) {
    try {
      // Never an image with a name (the FROM step prints the stack image's id):
      // removing by id would untag and delete it.
      const info = await docker.getImage(id).inspect();
      if ((info.RepoTags ?? []).length > 0) continue;
      await docker.getImage(id).remove();
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status !== 404 && status !== 409) throw err;
    }
  }
  seenIds.clear();
}

export async function requireStackImage(): Promise<void> {
  await requireImage(docker, STACK_IMAGE_DEFAULT, 'build it first with `paas-server stacks:build` (needs root, about two minutes)');
}

export interface FixtureBuild {
  repo: FixtureRepo;
  logs: string[];
  result: BuildAppResult;
}

export type BuildOverrides = Partial<Omit<BuildAppOptions, 'settings'>> & { settings?: Partial<StackSettings> };

/** Builds commit `commit` (default: the fixture's first commit) of `repo`. */
export async function buildRepo(repo: FixtureRepo, name: string, overrides: BuildOverrides = {}): Promise<{ logs: string[]; result: BuildAppResult }> {
  const logs: string[] = [];
  const { settings, onLog, ...rest } = overrides;
  const result = await buildApp({
    docker,
    gitdir: repo.gitdir,
    commit: repo.commit,
    tag: testImageTag(name),
    settings: { stackImage: STACK_IMAGE_DEFAULT, ...settings },
    onLog: (line) => {
      logs.push(line);
      const id = STEP_ID.exec(line)?.[1];
      if (id) seenIds.add(id);
      onLog?.(line);
    },
    timeoutMs: 180_000,
    networkMode: 'host',
    ...rest,
  });
  return { logs, result };
}

/** fixtureRepo + buildRepo; the repo is removed when the test ends. */
export async function buildFixture(t: { after(fn: () => Promise<void>): void }, name: string, options: { extra?: ExtraFiles } & BuildOverrides = {}): Promise<FixtureBuild> {
  const { extra, ...overrides } = options;
  const repo = await fixtureRepo(name, extra);
  t.after(() => repo.remove());
  const { logs, result } = await buildRepo(repo, name, overrides);
  return { repo, logs, result };
}
