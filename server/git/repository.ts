/**
 * The bare repository of an app on disk: created on first use, main read and
 * moved, packs looked up and promoted from a quarantine. isomorphic-git
 * creates the repository and reads refs (DESIGN.md decision 9); ref updates
 * are our own write-then-rename so a reader never sees half a ref.
 */
import * as fs from 'node:fs';
import { link, mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import git from 'isomorphic-git';
import { MAIN_REF } from './ref-names.js';
import { PackIdxReader } from './pack-idx.js';
import { idxFileName, looseObjectPath, packDir, packFileName, refFilePath, tmpFilePath } from './repo-paths.js';

const creating = new Map<string, Promise<void>>();

/** Creates the bare repository (HEAD ▶ refs/heads/main) unless it exists. */
export async function ensureRepository(gitdir: string): Promise<void> {
  if (await exists(join(gitdir, 'HEAD'))) return;
  // Concurrent first requests share one init, so none sees it half done.
  let pending = creating.get(gitdir);
  if (!pending) {
    pending = git.init({ fs, dir: gitdir, gitdir, bare: true, defaultBranch: 'main' }).finally(() => creating.delete(gitdir));
    creating.set(gitdir, pending);
  }
  await pending;
}

/** The id main points at, or undefined before the first push. */
export async function readMain(gitdir: string): Promise<string | undefined> {
  try {
    return await git.resolveRef({ fs, gitdir, ref: MAIN_REF });
  } catch (err) {
    if ((err as { code?: string }).code === 'NotFoundError') return undefined;
    throw err;
  }
}

/** Points `ref` at `oid` atomically (write a scratch file, rename it over the ref). */
export async function writeRef(gitdir: string, ref: string, oid: string): Promise<void> {
  const target = refFilePath(gitdir, ref);
  const scratch = tmpFilePath(gitdir);
  await mkdir(dirname(scratch), { recursive: true });
  await mkdir(dirname(target), { recursive: true });
  await writeFile(scratch, `${oid}\n`, { flag: 'wx' });
  await rename(scratch, target);
}

/** Answers "does the repository already hold this object?" from its pack indexes and loose objects. */
export async function openObjectLookup(gitdir: string): Promise<(oid: string) => Promise<boolean>> {
  const indexes = await Promise.all((await packIndexNames(gitdir)).map(async (name) => new PackIdxReader(await readFile(join(packDir(gitdir), name)))));
  return async (oid) => {
    const bytes = Buffer.from(oid, 'hex');
    return indexes.some((idx) => idx.has(bytes)) || exists(looseObjectPath(gitdir, oid));
  };
}

export async function packIndexNames(gitdir: string): Promise<string[]> {
  try {
    return (await readdir(packDir(gitdir))).filter((name) => name.endsWith('.idx'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/**
 * Moves a pack and its index from `fromGitdir` into the repository. The pack
 * goes first: readers find packs through their .idx, so they never see an
 * index whose pack is missing.
 */
export async function promotePack(fromGitdir: string, toGitdir: string, checksumHex: string): Promise<void> {
  await mkdir(packDir(toGitdir), { recursive: true });
  for (const name of [packFileName(checksumHex), idxFileName(checksumHex)]) {
    await rename(join(packDir(fromGitdir), name), join(packDir(toGitdir), name));
  }
}

/** Hard links (same filesystem) every existing pack of `fromGitdir` into `toGitdir`, copying if links are refused. */
export async function linkPacks(fromGitdir: string, toGitdir: string): Promise<void> {
  const names = (await readdir(packDir(fromGitdir))).filter((name) => name.endsWith('.pack') || name.endsWith('.idx'));
  // .pack before .idx, for the same reason as in promotePack.
  names.sort((a, b) => Number(a.endsWith('.idx')) - Number(b.endsWith('.idx')));
  for (const name of names) {
    const from = join(packDir(fromGitdir), name);
    const to = join(packDir(toGitdir), name);
    try {
      await link(from, to);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      await fs.promises.copyFile(from, to);
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
