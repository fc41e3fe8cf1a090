/**
 * One build stack: how a kind of repository becomes a Docker build. Each
 * stack lives in its own file (dockerfile, node, static) and is chosen by the
 * factory in index.ts, in a fixed order (the argo-rollouts trafficrouting
 * pattern from STYLE.md). Stacks are pure apart from reading the source tree:
 * they return a plan, and build-app.ts runs it.
 */
import type { ContextEntry } from '../context-tar.js';
import type { ProcessTypes } from '../procfile.js';
import type { SourceTree } from '../source-tree.js';

export const STACK_NAMES = ['dockerfile', 'node', 'static'] as const;
export type StackName = (typeof STACK_NAMES)[number];

/** Operator settings for generated builds (the dockerfile stack ignores them). */
export interface StackSettings {
  /** Base image for generated Dockerfiles, e.g. "paas/stack:bookworm". */
  stackImage: string;
  /** Per-stack base images that replace stackImage for that stack (e.g. node ▶ "node:20-bookworm-slim"). */
  stackImages?: Partial<Record<Exclude<StackName, 'dockerfile'>, string>>;
  /**
   * PEM certificates to trust while installing dependencies (networks behind a
   * TLS-intercepting proxy). Used in the build only, never in the image.
   */
  extraCaCerts?: string;
  /** npm registry URL for the dependency install; may carry credentials, never in the image. */
  npmRegistry?: string;
}

/** The base image a generated Dockerfile of `stack` starts FROM. */
export function baseImageFor(settings: StackSettings, stack: Exclude<StackName, 'dockerfile'>): string {
  return settings.stackImages?.[stack] || settings.stackImage;
}

export interface BuildPlan {
  stack: StackName;
  /** Everything sent to the engine: the pushed files plus generated ones. */
  entries: ContextEntry[];
  /** Path of the Dockerfile inside the context. */
  dockerfile: string;
  /** Process types before the Procfile is applied. */
  defaultProcessTypes: ProcessTypes;
  /**
   * "merge": a Procfile adds to and overrides the defaults (Heroku buildpack
   * behaviour). "without-procfile": the defaults only apply when there is no
   * Procfile (a Dockerfile app with a Procfile runs exactly what it lists).
   */
  processTypeDefaults: 'merge' | 'without-procfile';
  /** One line for the build log, e.g. "Node.js app (package-lock.json: npm ci)". */
  description: string;
}

export interface Stack {
  name: StackName;
  /** Whether this stack builds the tree; the factory asks stacks in order. */
  detects(tree: SourceTree): boolean;
  /** `procfile` is the parsed Procfile when the tree has one (its web command becomes the image CMD). */
  plan(tree: SourceTree, settings: StackSettings, procfile: ProcessTypes | undefined): Promise<BuildPlan>;
}

/**
 * Generated stacks put the pushed files under app/ and their own files under
 * paas/, so nothing a user commits can collide with or overwrite a generated
 * file, and `COPY app/ ./` never copies build-only files into the image.
 */
export const GENERATED_APP_DIR = 'app/';
export const GENERATED_PAAS_DIR = 'paas/';
