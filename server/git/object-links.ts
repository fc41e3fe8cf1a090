/**
 * Which objects an object points at: a commit its tree and parents, a tree
 * its entries, a tag its target. Used to check a pushed pack is complete and
 * to walk what a clone needs.
 *
 * Spec: git's object formats (Pro Git 10.2 "Git Objects"; checked the same
 * way by git's fsck.c fsck_tree/fsck_commit/fsck_tag): a tree is a sequence of
 * "<octal mode> SP <name> NUL <20-byte id>"; a commit and a tag start with
 * "tree <id>" / "parent <id>" / "object <id>" header lines ending at the
 * first blank line. Submodule entries (mode 160000, "gitlinks") point into
 * another repository and are not followed.
 */
import type { ObjectType } from './pack-format.js';
import { PackFormatError } from './pack-format.js';

const GITLINK_MODE = '160000';
/** 040000 is not canonical but some old tools wrote it (git's fsck calls it zero-padded). */
const TREE_MODES = new Set(['40000', '040000']);

export interface TreeEntry {
  mode: string;
  name: string;
  oid: string;
}

export function parseTree(content: Uint8Array): TreeEntry[] {
  const bytes = Buffer.from(content.buffer, content.byteOffset, content.length);
  const entries: TreeEntry[] = [];
  let position = 0;
  while (position < bytes.length) {
    const space = bytes.indexOf(0x20, position);
    const nul = space === -1 ? -1 : bytes.indexOf(0, space);
    if (space === -1 || nul === -1 || nul + 21 > bytes.length) throw new PackFormatError('truncated tree entry');
    entries.push({
      mode: bytes.toString('latin1', position, space),
      name: bytes.toString('utf8', space + 1, nul),
      oid: bytes.toString('hex', nul + 1, nul + 21),
    });
    position = nul + 21;
  }
  return entries;
}

export interface ObjectLink {
  oid: string;
  /** Known from the referring object, except for a tag's target. */
  type?: ObjectType;
}

/** Objects this object refers to, in the order they appear. */
export function objectLinks(type: ObjectType, content: Uint8Array): ObjectLink[] {
  if (type === 'blob') return [];
  if (type === 'tree') {
    return parseTree(content)
      .filter((entry) => entry.mode !== GITLINK_MODE)
      .map((entry) => ({ oid: entry.oid, type: TREE_MODES.has(entry.mode) ? 'tree' : 'blob' }));
  }
  const links: ObjectLink[] = [];
  const bytes = Buffer.from(content.buffer, content.byteOffset, content.length);
  const headerEnd = bytes.indexOf('\n\n');
  const header = bytes.toString('latin1', 0, headerEnd === -1 ? bytes.length : headerEnd);
  for (const line of header.split('\n')) {
    const space = line.indexOf(' ');
    const key = space === -1 ? line : line.slice(0, space);
    const linkType = type === 'commit' ? commitLinkType(key) : key === 'object' ? 'target' : undefined;
    if (!linkType) continue;
    const oid = line.slice(space + 1);
    if (!/^[0-9a-f]{40}$/.test(oid)) throw new PackFormatError(`${type} has a bad "${key}" line`);
    links.push(linkType === 'target' ? { oid } : { oid, type: linkType });
  }
  return links;
}

function commitLinkType(key: string): ObjectType | undefined {
  return key === 'tree' ? 'tree' : key === 'parent' ? 'commit' : undefined;
}

export function linkedOids(type: ObjectType, content: Uint8Array): string[] {
  return objectLinks(type, content).map((link) => link.oid);
}
