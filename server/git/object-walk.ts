/**
 * Everything reachable from some commits: their history, trees and blobs,
 * which is what a clone needs. Only commits, tags and trees are read; a
 * blob's type is known from the tree entry that names it.
 * Object formats as in object-links.ts.
 */
import { objectLinks } from './object-links.js';
import type { ObjectType } from './pack-format.js';

export type ReadObject = (oid: string) => Promise<{ type: ObjectType; content: Uint8Array }>;

export interface ReachableObject {
  oid: string;
  type: ObjectType;
}

/** Commits first, then tags, trees and blobs: the order git's own packs use, roughly. */
export async function listReachable(read: ReadObject, starts: readonly string[], signal?: AbortSignal): Promise<ReachableObject[]> {
  const seen = new Set<string>();
  const byType: Record<ObjectType, string[]> = { commit: [], tag: [], tree: [], blob: [] };
  const queue: Array<{ oid: string; type?: ObjectType }> = starts.map((oid) => ({ oid }));
  while (queue.length > 0) {
    signal?.throwIfAborted();
    const next = queue.pop()!;
    if (seen.has(next.oid)) continue;
    seen.add(next.oid);
    if (next.type === 'blob') {
      byType.blob.push(next.oid);
      continue;
    }
    const { type, content } = await read(next.oid);
    byType[type].push(next.oid);
    queue.push(...objectLinks(type, content));
  }
  return (['commit', 'tag', 'tree', 'blob'] as const).flatMap((type) => byType[type].map((oid) => ({ oid, type })));
}
