/**
 * Turns the received pack into something a build can read, and refuses it
 * unless it is whole: the pack indexes cleanly, every object it points at is
 * in the pack or already in the repository (git's connectivity check after
 * receive, see git's connected.c), and the pushed id is a commit.
 * On success the quarantine is an isomorphic-git-readable gitdir.
 */
import * as fs from 'node:fs';
import git from 'isomorphic-git';
import { indexPackFile } from './pack-indexer.js';
import { PackFormatError } from './pack-format.js';
import { shortOid } from './object-id.js';
import { linkPacks, openObjectLookup } from './repository.js';
import { openQuarantineStore, type Quarantine } from './quarantine.js';

export interface PushedObjectsInput {
  quarantine: Quarantine;
  repoGitdir: string;
  newOid: string;
  /** Size of the received pack; 0 when the client sent none. */
  packBytes: number;
  signal: AbortSignal;
}

/** `checksum` names the pack to promote; absent when the push brought no new objects. */
export type PushedObjects = { ok: true; checksum?: string } | { ok: false; error: string };

const MAX_MISSING_SHOWN = 3;

export async function verifyPushedObjects(input: PushedObjectsInput): Promise<PushedObjects> {
  const { quarantine, repoGitdir, newOid } = input;
  let pack;
  try {
    pack = input.packBytes > 0 ? await indexPackFile(quarantine.incomingPack, { signal: input.signal }) : undefined;
  } catch (err) {
    if (err instanceof PackFormatError) return { ok: false, error: `bad pack: ${err.message}` };
    throw err;
  }
  const inRepository = await openObjectLookup(repoGitdir);
  const missing: string[] = [];
  for (const oid of pack?.links ?? []) {
    if (pack?.objects.has(oid) || (await inRepository(oid))) continue;
    missing.push(oid);
  }
  if (missing.length > 0) {
    const shown = missing.slice(0, MAX_MISSING_SHOWN).map(shortOid).join(', ');
    return { ok: false, error: `pack is incomplete: ${missing.length} referenced objects are missing (${shown}); push again with: git push --no-thin paas HEAD:main` };
  }

  const checksum = pack && pack.count > 0 ? pack.checksum.toString('hex') : undefined;
  if (pack && checksum) await openQuarantineStore(quarantine, repoGitdir, checksum, pack.idx);
  else await linkPacks(repoGitdir, quarantine.gitdir);

  const type = pack?.objects.get(newOid) ?? (await typeInRepository(quarantine.gitdir, newOid));
  if (!type) return { ok: false, error: `pushed commit ${shortOid(newOid)} is not in the pack` };
  if (type !== 'commit') return { ok: false, error: `${shortOid(newOid)} is a ${type}, not a commit` };
  return { ok: true, checksum };
}

async function typeInRepository(gitdir: string, oid: string): Promise<string | undefined> {
  try {
    const { type } = await git.readObject({ fs, gitdir, oid, format: 'content' });
    return type;
  } catch (err) {
    if ((err as { code?: string }).code === 'NotFoundError') return undefined;
    throw err;
  }
}
