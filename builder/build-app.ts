/**
 * The builder's entry point: pushed commit ▶ image. Reads the commit's tree
 * from the object store, picks a stack, reads the Procfile, packs the
 * context from git objects and builds it. Pushing to a registry is a
 * separate step (push-image.ts) so the caller can decide the release number
 * only once the build has succeeded.
 */
import type Dockerode from 'dockerode';
import { packContext } from './context-tar.js';
import { buildImage } from './build-image.js';
import { readProcfile, type ProcessTypes } from './procfile.js';
import { readSourceTree, type SourceTree } from './source-tree.js';
import { detectStack, type StackName, type StackSettings } from './stacks/index.js';
import type { BuildPlan } from './stacks/stack.js';

export const PROCFILE = 'Procfile';

export interface BuildAppOptions {
  docker: Dockerode;
  /**
   * Where the pushed objects are (packs and loose objects;
   * objects/info/alternates is not followed, so a quarantine gitdir must hold
   * or link every pack, as the git endpoint's does).
   */
  gitdir: string;
  commit: string;
  /** Image reference for the result (image-names.ts). */
  tag: string;
  settings: StackSettings;
  onLog: (line: string) => void;
  signal?: AbortSignal;
  timeoutMs: number;
  /** See BuildImageOptions.networkMode. */
  networkMode?: string;
  labels?: Record<string, string>;
}

export interface BuildAppResult {
  imageId: string;
  tag: string;
  stack: StackName;
  /** type ▶ command; an empty command means the image's own CMD. */
  processTypes: ProcessTypes;
}

export async function buildApp(options: BuildAppOptions): Promise<BuildAppResult> {
  const tree = await readSourceTree({ gitdir: options.gitdir, commit: options.commit });
  try {
    return await buildTree(tree, options);
  } finally {
    // After buildImage: the context stream reads blobs until the engine has it all.
    await tree.close();
  }
}

async function buildTree(tree: SourceTree, options: BuildAppOptions): Promise<BuildAppResult> {
  const stack = detectStack(tree);
  const procfileText = await tree.readText(PROCFILE);
  const procfile = procfileText === undefined ? undefined : readProcfile(procfileText);
  const plan = await stack.plan(tree, options.settings, procfile);

  options.onLog(`-----> ${plan.description}`);
  if (tree.skippedSubmodules.length > 0) {
    options.onLog(`-----> Skipping git submodules (not pushed with the app): ${tree.skippedSubmodules.join(', ')}`);
  }
  const processTypes = resolveProcessTypes(plan, procfile);
  options.onLog(`-----> Process types: ${Object.entries(processTypes).map(([type, cmd]) => `${type}${cmd ? ` (${cmd})` : ' (image CMD)'}`).join(', ')}`);

  const { imageId, tag } = await buildImage({
    docker: options.docker,
    context: packContext(plan.entries),
    dockerfile: plan.dockerfile,
    tag: options.tag,
    onLog: options.onLog,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    networkMode: options.networkMode,
    labels: options.labels,
  });
  return { imageId, tag, stack: plan.stack, processTypes };
}

/** Pure: the stack's defaults combined with the Procfile (see BuildPlan.processTypeDefaults). */
export function resolveProcessTypes(plan: Pick<BuildPlan, 'defaultProcessTypes' | 'processTypeDefaults'>, procfile: ProcessTypes | undefined): ProcessTypes {
  if (!procfile) return { ...plan.defaultProcessTypes };
  if (plan.processTypeDefaults === 'without-procfile') return { ...procfile };
  return { ...plan.defaultProcessTypes, ...procfile };
}
