/**
 * Where a pushed pack waits while its build runs, so nothing reaches the
 * repository unless the deploy is accepted (DESIGN.md decision 9; git does
 * the same with GIT_QUARANTINE_PATH, see git's Documentation/git-receive-pack.txt
 * "QUARANTINE ENVIRONMENT").
 *
 * A quarantine is a small gitdir of its own: objects/pack holds the new pack
 * and its index plus hard links to every pack the repository already has.
 * isomorphic-git has no support for objects/info/alternates (checked in
 * 1.44: nothing reads that file), so links stand in for it: pointed at the
 * quarantine gitdir, readTree/readBlob see old and new objects alike.
 * The repository keeps objects in packs only (we never write loose objects),
 * so linking the packs is the whole object store.
 */
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { linkPacks, promotePack } from './repository.js';
import { idxFileName, incomingPackPath, newQuarantineGitdir, packDir, packFileName, quarantinesDir } from './repo-paths.js';

export interface Quarantine {
  gitdir: string;
  /** Where the request body's pack is written as it arrives. */
  incomingPack: string;
}

export async function createQuarantine(repoGitdir: string): Promise<Quarantine> {
  const gitdir = newQuarantineGitdir(repoGitdir);
  await mkdir(packDir(gitdir), { recursive: true });
  return { gitdir, incomingPack: incomingPackPath(gitdir) };
}

/** Turns the received pack into a readable store: the pack and index under their checksum name, existing packs linked beside them. */
export async function openQuarantineStore(quarantine: Quarantine, repoGitdir: string, checksumHex: string, idx: Buffer): Promise<void> {
  await rename(quarantine.incomingPack, join(packDir(quarantine.gitdir), packFileName(checksumHex)));
  await writeFile(join(packDir(quarantine.gitdir), idxFileName(checksumHex)), idx);
  await linkPacks(repoGitdir, quarantine.gitdir);
}

/** Accepts the push's objects into the repository. */
export async function promoteQuarantine(quarantine: Quarantine, repoGitdir: string, checksumHex: string): Promise<void> {
  await promotePack(quarantine.gitdir, repoGitdir, checksumHex);
}

export async function removeQuarantine(quarantine: Quarantine): Promise<void> {
  await rm(quarantine.gitdir, { recursive: true, force: true });
}

/** Quarantines left by a crash; only called while holding the app's push lock, so none is in use. */
export async function removeStaleQuarantines(repoGitdir: string): Promise<void> {
  const root = quarantinesDir(repoGitdir);
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return;
  }
  await Promise.all(names.map((name) => rm(join(root, name), { recursive: true, force: true })));
}
