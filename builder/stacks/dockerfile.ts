/**
 * The dockerfile stack: a repository with a root `Dockerfile` is built as it
 * is, with the pushed tree as the context root. The image's own CMD is the
 * web process (an empty command means "the image's CMD/ENTRYPOINT").
 *
 * Build settings (extra CA, npm registry) are not injected here: the user's
 * Dockerfile decides what it installs, and injecting would mean build args,
 * which Docker records in the image history.
 */
import { sourceEntries } from '../context-tar.js';
import type { Stack } from './stack.js';

export const DOCKERFILE = 'Dockerfile';

export const dockerfileStack: Stack = {
  name: 'dockerfile',
  detects: (tree) => tree.get(DOCKERFILE) !== undefined,
  plan: async (tree) => ({
    stack: 'dockerfile',
    entries: sourceEntries(tree),
    dockerfile: DOCKERFILE,
    defaultProcessTypes: { web: '' },
    processTypeDefaults: 'without-procfile',
    description: 'Dockerfile found: building it as it is',
  }),
};
