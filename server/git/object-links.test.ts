import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkedOids, objectLinks, parseTree } from './object-links.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const entry = (mode: string, name: string, oid: string) => Buffer.concat([Buffer.from(`${mode} ${name}\0`), Buffer.from(oid, 'hex')]);

test('tree entries: blobs and subtrees are followed, submodules are not', () => {
  const tree = Buffer.concat([entry('100644', 'README.md', A), entry('40000', 'src', B), entry('160000', 'vendor', C)]);
  assert.deepEqual(parseTree(tree).map((e) => e.name), ['README.md', 'src', 'vendor']);
  assert.deepEqual(objectLinks('tree', tree), [{ oid: A, type: 'blob' }, { oid: B, type: 'tree' }]);
  assert.throws(() => parseTree(tree.subarray(0, tree.length - 3)), /truncated/);
});

test('commits point at their tree and parents, tags at their object; the message is not parsed', () => {
  const commit = Buffer.from(`tree ${A}\nparent ${B}\nparent ${C}\nauthor x <x@y> 0 +0000\n\ntree ${'d'.repeat(40)} in the message\n`);
  assert.deepEqual(objectLinks('commit', commit), [{ oid: A, type: 'tree' }, { oid: B, type: 'commit' }, { oid: C, type: 'commit' }]);
  assert.deepEqual(linkedOids('tag', Buffer.from(`object ${A}\ntype commit\ntag v1\n\nmsg`)), [A]);
  assert.deepEqual(linkedOids('blob', Buffer.from(`tree ${A}\n`)), []);
  assert.throws(() => objectLinks('commit', Buffer.from('tree nope\n')), /bad "tree" line/);
});
