/**
 * The stack factory: asks each stack in a fixed order whether it builds the
 * tree. A Dockerfile wins over everything (the user said how to build), then
 * package.json, then a static site.
 */
import { PaasError } from '../../server/errors.js';
import type { SourceTree } from '../source-tree.js';
import { dockerfileStack } from './dockerfile.js';
import { nodeStack } from './node.js';
import type { Stack } from './stack.js';
import { staticStack } from './static.js';

export const STACKS: readonly Stack[] = [dockerfileStack, nodeStack, staticStack];

export function detectStack(tree: SourceTree): Stack {
  const stack = STACKS.find((candidate) => candidate.detects(tree));
  if (!stack) {
    throw new PaasError('BUILD_FAILED', 'Could not tell how to build this app: the repository root has no Dockerfile, package.json, index.html or public/ directory', {
      hint: 'Add a Dockerfile, a package.json (Node.js), or an index.html / public/ directory (static site) at the root, commit, and push again.',
    });
  }
  return stack;
}

export type { BuildPlan, Stack, StackName, StackSettings } from './stack.js';
