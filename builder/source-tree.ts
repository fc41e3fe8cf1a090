/**
 * The pushed commit's files, read straight from the git object store with
 * isomorphic-git, never from a checkout. Each file keeps what git records
 * about it (regular, executable or symlink), so the build context can be made
 * exactly from what was pushed: a symlink stays a symlink and never becomes
 * the content of whatever it points at on the build host.
 *
 * Submodules (tree entries of type "commit", mode 160000) are skipped: their
 * objects live in another repository that was never pushed to us.
 */
import git, { type FsClient } from 'isomorphic-git';
import { PaasError } from '../server/errors.js';
import { printable } from '../server/domain/names.js';

export type SourceFileMode = 'file' | 'executable' | 'symlink';

export interface SourceFile {
  /** Slash-separated path from the repository root, e.g. "public/index.html". */
  path: string;
  mode: SourceFileMode;
  /** Blob id; for a symlink the blob holds the link target. */
  oid: string;
}

export interface SourceTree {
  commit: string;
  /** Every file, sorted by path (byte order), submodules left out. */
  files: readonly SourceFile[];
  /** Submodule paths that were skipped, for a log line. */
  skippedSubmodules: readonly string[];
  get(path: string): SourceFile | undefined;
  /** True when some file lives below `dir` ("public" or "public/"). */
  hasDir(dir: string): boolean;
  /** The blob of a file (for a symlink: its target). */
  read(file: SourceFile): Promise<Uint8Array>;
  /** UTF-8 text of a regular file at `path`, or undefined when there is none. */
  readText(path: string): Promise<string | undefined>;
}

export interface ReadSourceTreeOptions {
  fs: FsClient;
  gitdir: string;
  /** The pushed commit id (a tree id works too). */
  commit: string;
  /** Upper bound on files, so a hostile tree cannot exhaust memory. */
  maxFiles?: number;
}

export const SOURCE_TREE_MAX_FILES = 50_000;
/** Deeper than any real project; bounds the recursion. */
const MAX_DEPTH = 100;

/** git's tree entry modes (git/Documentation/technical/index-format.txt). */
const MODES: Record<string, SourceFileMode | 'tree' | 'submodule'> = {
  '100644': 'file',
  '100755': 'executable',
  // Old git wrote group-writable files as 100664; modern git reads them as 100644.
  '100664': 'file',
  '120000': 'symlink',
  '040000': 'tree',
  '40000': 'tree',
  '160000': 'submodule',
};

export async function readSourceTree(options: ReadSourceTreeOptions): Promise<SourceTree> {
  const { fs, gitdir, commit } = options;
  const maxFiles = options.maxFiles ?? SOURCE_TREE_MAX_FILES;
  // One cache object lets isomorphic-git reuse parsed pack indexes across calls.
  const cache = {};
  const files: SourceFile[] = [];
  const skippedSubmodules: string[] = [];

  const walk = async (oid: string, prefix: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) {
      throw new PaasError('BUILD_FAILED', `The pushed tree is nested deeper than ${MAX_DEPTH} directories at "${printable(prefix)}"`);
    }
    let entries: Awaited<ReturnType<typeof git.readTree>>['tree'];
    try {
      entries = (await git.readTree({ fs, gitdir, oid, cache })).tree;
    } catch (err) {
      throw new PaasError('BUILD_FAILED', `Could not read ${prefix === '' ? `commit ${commit}` : `directory "${printable(prefix)}"`} from the repository: ${(err as Error).message}`, {
        cause: err,
        hint: 'Push the commit again; if it keeps failing the repository on the server may be damaged.',
      });
    }
    for (const entry of entries) {
      assertSafeName(entry.path, prefix);
      const path = prefix === '' ? entry.path : `${prefix}/${entry.path}`;
      const kind = MODES[entry.mode];
      if (kind === undefined) {
        throw new PaasError('BUILD_FAILED', `"${printable(path)}" has git mode ${entry.mode}, which paas cannot build`);
      }
      if (kind === 'submodule') {
        skippedSubmodules.push(path);
      } else if (kind === 'tree') {
        await walk(entry.oid, path, depth + 1);
      } else {
        if (files.length >= maxFiles) {
          throw new PaasError('BUILD_FAILED', `The pushed tree has more than ${maxFiles} files`, {
            hint: 'Keep generated files and dependencies (node_modules) out of git.',
          });
        }
        files.push({ path, mode: kind, oid: entry.oid });
      }
    }
  };
  await walk(commit, '', 0);

  // git sorts tree entries as if directory names ended in "/"; sort by the
  // plain path instead so the order does not depend on that subtlety.
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const byPath = new Map(files.map((file) => [file.path, file]));

  const read = async (file: SourceFile): Promise<Uint8Array> => {
    try {
      return (await git.readBlob({ fs, gitdir, oid: file.oid, cache })).blob;
    } catch (err) {
      throw new PaasError('BUILD_FAILED', `Could not read "${printable(file.path)}" from the repository: ${(err as Error).message}`, { cause: err });
    }
  };

  return {
    commit,
    files,
    skippedSubmodules,
    get: (path) => byPath.get(path),
    hasDir: (dir) => {
      const prefix = dir.endsWith('/') ? dir : `${dir}/`;
      return files.some((file) => file.path.startsWith(prefix));
    },
    read,
    readText: async (path) => {
      const file = byPath.get(path);
      if (!file || file.mode === 'symlink') return undefined;
      return new TextDecoder().decode(await read(file));
    },
  };
}

/**
 * git itself refuses these names (fsck: hasDot, hasDotdot, hasDotgit,
 * fullPathname); a tree written by another tool may still carry them, and
 * they would let a context entry climb out of its directory.
 */
function assertSafeName(name: string, prefix: string): void {
  const bad = name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')
    || name.toLowerCase() === '.git';
  if (bad) {
    throw new PaasError('BUILD_FAILED', `The pushed tree has an invalid entry "${printable(name)}" in "${printable(prefix || '/')}"`, {
      hint: 'Remove the entry from the commit and push again.',
    });
  }
}
