/**
 * The git endpoint's public face for main.ts: the router factory, the hooks
 * it needs, and the Basic-credentials parser for the authenticate hook.
 */
export { createGitRouter } from './router.js';
export type { GitAction, GitRouterOptions, PushContext, PushOutcome } from './types.js';
export { BASIC_CHALLENGE, parseBasicCredentials, type BasicCredentials } from './basic-credentials.js';
export { MAIN_REF } from './ref-names.js';
export { repoGitdir } from './repo-paths.js';
/** A fast reader of a gitdir's packs (native zlib), e.g. for the builder on PushContext.gitdir. */
export { PackObjectStore, ObjectNotFoundError, type StoredObject } from './object-store.js';
export { parseTree, type TreeEntry } from './object-links.js';
