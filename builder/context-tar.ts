/**
 * The Docker build context as a tar stream, made from git objects and
 * generated files, never from a checkout on disk.
 *
 * - Symlinks are written as tar symlink entries with the target git
 *   recorded. Nothing on the build host is ever read through them, so a link
 *   to /etc/passwd or ../../.. puts a link into the image, not host files.
 * - The executable bit survives (0755), everything else is 0644, owned by
 *   0:0: the same bytes pushed twice give the same tar.
 * - Every entry has the same mtime, and parent directories are written
 *   explicitly with that mtime too. The classic builder hashes file headers
 *   into its COPY cache keys, so checkout or upload times would otherwise
 *   defeat the layer cache.
 *
 * Entries are read lazily, one at a time, and the next one is only read
 * once the consumer has taken the previous one, so memory stays bounded by
 * the largest file.
 */
import { Readable } from 'node:stream';
import { pack as tarPack, type Header } from 'tar-stream';
import { PaasError } from '../server/errors.js';
import type { SourceFileMode, SourceTree } from './source-tree.js';

/** Fixed so that unchanged files make unchanged cache keys. */
export const CONTEXT_MTIME = new Date('2000-01-01T00:00:00Z');

export interface ContextEntry {
  /** Slash-separated path inside the context, no leading slash. */
  path: string;
  mode: SourceFileMode;
  /** File bytes, or for a symlink the link target; may be read lazily. */
  content: Uint8Array | string | (() => Promise<Uint8Array>);
}

const FILE_MODES: Record<SourceFileMode, number> = { file: 0o644, executable: 0o755, symlink: 0o777 };

/** The pushed files as context entries, optionally below a directory ("app/"). */
export function sourceEntries(tree: SourceTree, prefix = ''): ContextEntry[] {
  return tree.files.map((file) => ({ path: `${prefix}${file.path}`, mode: file.mode, content: () => tree.read(file) }));
}

/**
 * Packs the entries (sorted, parents first) into a tar stream. A failure to
 * read an entry destroys the stream with a PaasError.
 */
export function packContext(entries: readonly ContextEntry[]): Readable {
  const sorted = orderEntries(entries);
  const pack = tarPack();
  const write = (header: Partial<Header> & Pick<Header, 'name'>, body?: Uint8Array) =>
    new Promise<void>((resolve, reject) => {
      const done = (err?: Error | null) => (err ? reject(err) : resolve());
      if (body === undefined) pack.entry(header, done);
      else pack.entry(header, body, done);
    });

  const fill = async () => {
    const written = new Set<string>();
    for (const entry of sorted) {
      for (const dir of parentDirs(entry.path)) {
        if (written.has(dir)) continue;
        written.add(dir);
        await write({ name: `${dir}/`, type: 'directory', mode: 0o755, ...OWNER });
      }
      const content = await contentOf(entry);
      if (entry.mode === 'symlink') {
        await write({ name: entry.path, type: 'symlink', linkname: new TextDecoder().decode(content), mode: FILE_MODES.symlink, ...OWNER });
      } else {
        await write({ name: entry.path, type: 'file', mode: FILE_MODES[entry.mode], ...OWNER }, content);
      }
    }
    pack.finalize();
  };
  fill().catch((err: unknown) => {
    const error = err instanceof PaasError ? err : new PaasError('BUILD_FAILED', `Could not make the build context: ${(err as Error).message}`, { cause: err });
    pack.destroy(error);
  });
  // tar-stream packs are streamx streams; wrap so consumers get a plain Node Readable.
  return Readable.from(pack as AsyncIterable<Buffer>);
}

const OWNER = { uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: CONTEXT_MTIME } as const;

async function contentOf(entry: ContextEntry): Promise<Uint8Array> {
  if (typeof entry.content === 'string') return new TextEncoder().encode(entry.content);
  if (typeof entry.content === 'function') return entry.content();
  return entry.content;
}

/** Sorted by path; two entries for one path is a bug in the caller (a stack). */
function orderEntries(entries: readonly ContextEntry[]): ContextEntry[] {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (let i = 1; i < sorted.length; i += 1) {
    if (sorted[i]!.path === sorted[i - 1]!.path) {
      throw new PaasError('INTERNAL', `Build context has two entries for "${sorted[i]!.path}"`);
    }
  }
  return sorted;
}

function parentDirs(path: string): string[] {
  const parts = path.split('/');
  const dirs: string[] = [];
  for (let i = 1; i < parts.length; i += 1) dirs.push(parts.slice(0, i).join('/'));
  return dirs;
}
