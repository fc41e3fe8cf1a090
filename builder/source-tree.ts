/**
 * The pushed commit's files, read straight from the git object store, never
 * from a checkout. Each file keeps what git records about it (regular,
 * executable or symlink), so the build context can be made exactly from what
 * was pushed: a symlink stays a symlink and never becomes the content of
 * whatever it points at on the build host.
 *
 * Submodules (tree entries of type "commit", mode 160000) are skipped: their
 * objects live in another repository that was never pushed to us.
 *
 * Objects come through the git endpoint's PackObjectStore (packs through
 * their .idx, native zlib; loose objects too), not isomorphic-git: to read
 * one tree out of a pack, isomorphic-git's readObjectPacked loads the whole
 * pack into memory and SHA-1s all of it again (verifyPackfile), though the
 * endpoint's indexer has just verified it: with the garbage collection that
 * caused, ~0.3 s of CPU per push of a 50 MB pack (bench/README.md, push-50mb).
 */
import { PaasError } from '../server/errors.js';
import { printable } from '../server/domain/names.js';
import { PackObjectStore, parseTree, type StoredObject, type TreeEntry } from '../server/git/index.js';

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

/** A SourceTree that holds the repository's pack files open until close(). */
export interface OpenSourceTree extends SourceTree {
  /** Closes the object store; read() fails afterwards. */
  close(): Promise<void>;
}

export interface ReadSourceTreeOptions {
  /** Read with node:fs through PackObjectStore (packs and loose objects). */
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

/** Store reads keep recent objects for delta chains; blobs are read once each. */
const STORE_CACHE_BYTES = 16 * 1024 * 1024;
/** Annotated tags of tags of ...: more than any real repository has. */
const MAX_PEEL = 10;
/** git's empty tree: every repository has it, even when no pack carries it. */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

export async function readSourceTree(options: ReadSourceTreeOptions): Promise<OpenSourceTree> {
  const { gitdir, commit } = options;
  const maxFiles = options.maxFiles ?? SOURCE_TREE_MAX_FILES;
  let store: PackObjectStore;
  try {
    store = await PackObjectStore.open(gitdir, { cacheBytes: STORE_CACHE_BYTES });
  } catch (err) {
    throw unreadable(`commit ${commit}`, err);
  }
  const files: SourceFile[] = [];
  const skippedSubmodules: string[] = [];

  const walk = async (oid: string, prefix: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) {
      throw new PaasError('BUILD_FAILED', `The pushed tree is nested deeper than ${MAX_DEPTH} directories at "${printable(prefix)}"`);
    }
    let entries: TreeEntry[];
    try {
      entries = parseTree((await peel(store, oid, 'tree')).content);
    } catch (err) {
      throw unreadable(prefix === '' ? `commit ${commit}` : `directory "${printable(prefix)}"`, err);
    }
    for (const entry of entries) {
      assertSafeName(entry.name, prefix);
      const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
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
  try {
    await walk(commit, '', 0);
  } catch (err) {
    await store.close();
    throw err;
  }

  // git sorts tree entries as if directory names ended in "/"; sort by the
  // plain path instead so the order does not depend on that subtlety.
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const byPath = new Map(files.map((file) => [file.path, file]));

  let closed = false;
  const read = async (file: SourceFile): Promise<Uint8Array> => {
    try {
      if (closed) throw new Error('the source tree was closed');
      return (await peel(store, file.oid, 'blob')).content;
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
    close: async () => {
      if (closed) return;
      closed = true;
      await store.close();
    },
  };
}

function unreadable(what: string, err: unknown): PaasError {
  return new PaasError('BUILD_FAILED', `Could not read ${what} from the repository: ${(err as Error).message}`, {
    cause: err,
    hint: 'Push the commit again; if it keeps failing the repository on the server may be damaged.',
  });
}

/**
 * The object `oid` names, as a `want`: annotated tags are followed to their
 * target and, for a tree, a commit to its tree (what `<oid>^{tree}` means to
 * git, and what isomorphic-git's readTree/readBlob did here before).
 */
async function peel(store: PackObjectStore, oid: string, want: 'tree' | 'blob'): Promise<StoredObject> {
  let current = oid;
  for (let step = 0; step < MAX_PEEL; step++) {
    if (want === 'tree' && current === EMPTY_TREE) return { type: 'tree', content: Buffer.alloc(0) };
    const object = await store.read(current);
    if (object.type === want) return object;
    const key = object.type === 'tag' ? 'object' : object.type === 'commit' && want === 'tree' ? 'tree' : undefined;
    if (key === undefined) throw new Error(`object ${current} is a ${object.type}, not a ${want}`);
    const next = headerField(object.content, key);
    if (next === undefined) throw new Error(`${object.type} ${current} has no valid "${key}" line`);
    current = next;
  }
  throw new Error(`object ${oid} is more than ${MAX_PEEL} tags deep`);
}

/** The id on the first "<key> <id>" header line of a commit or tag (Pro Git 10.2). */
function headerField(content: Uint8Array, key: 'tree' | 'object'): string | undefined {
  const bytes = Buffer.from(content.buffer, content.byteOffset, content.length);
  const headerEnd = bytes.indexOf('\n\n');
  for (const line of bytes.toString('latin1', 0, headerEnd === -1 ? bytes.length : headerEnd).split('\n')) {
    if (line.startsWith(`${key} `)) {
      const id = line.slice(key.length + 1);
      return /^[0-9a-f]{40}$/.test(id) ? id : undefined;
    }
  }
  return undefined;
}

/**
 * git itself refuses these names (fsck: hasDot, hasDotdot, hasDotgit,
 * fullPathname); a tree written by another tool may still carry them, and
 * they would let a context entry climb out of its directory. Like git's
 * verify_path with core.protectNTFS/protectHFS (and isomorphic-git, which
 * read trees here before), names that Windows or macOS would take for
 * ".git" are refused too: case, trailing dots and spaces, an alternate data
 * stream (":"), the 8.3 short name "git~1", Unicode code points HFS+
 * ignores; and a backslash, a directory separator on Windows.
 */
function assertSafeName(name: string, prefix: string): void {
  const hfs = name.replace(/[\u200C-\u200F\u202A-\u202E\u206A-\u206F\uFEFF]/g, '');
  const ntfs = hfs.split(':')[0]!.toLowerCase().replace(/[. ]+$/, '');
  const bad = name === '' || hfs === '.' || hfs === '..' || name.includes('/') || name.includes('\\') || name.includes('\0')
    || ntfs === '.git' || /^\.?git~[1-9]$/.test(ntfs);
  if (bad) {
    throw new PaasError('BUILD_FAILED', `The pushed tree has an invalid entry "${printable(name)}" in "${printable(prefix || '/')}"`, {
      hint: 'Remove the entry from the commit and push again.',
    });
  }
}
