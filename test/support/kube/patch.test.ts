/**
 * Unit tests of the three patch formats: JSON merge patch (RFC 7386),
 * JSON patch (RFC 6902, with `test`), strategic merge patch (merge keys,
 * directives).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyJsonPatch, JsonPatchError } from './patch/json-patch.js';
import { podTemplateKeys, objectMetaKeys } from './patch/merge-keys.js';
import { applyMergePatch } from './patch/merge-patch.js';
import { applyStrategicMergePatch } from './patch/strategic-merge.js';

describe('JSON merge patch', () => {
  test('RFC 7386 appendix A examples', () => {
    assert.deepEqual(applyMergePatch({ a: 'b' }, { a: 'c' }), { a: 'c' });
    assert.deepEqual(applyMergePatch({ a: 'b' }, { b: 'c' }), { a: 'b', b: 'c' });
    assert.deepEqual(applyMergePatch({ a: 'b' }, { a: null }), {});
    assert.deepEqual(applyMergePatch({ a: [{ b: 'c' }] }, { a: [1] }), { a: [1] });
    assert.deepEqual(applyMergePatch({ e: null }, { a: 1 }), { e: null, a: 1 });
    assert.deepEqual(applyMergePatch({}, { a: { bb: { ccc: null } } }), { a: { bb: {} } });
  });
});

describe('JSON patch', () => {
  test('add, remove, replace, move, copy, test; ~1 escapes; - appends', () => {
    const doc = { metadata: { labels: { 'a/b': '1' } }, list: [1, 2] };
    const out = applyJsonPatch(doc, [
      { op: 'test', path: '/metadata/labels/a~1b', value: '1' },
      { op: 'add', path: '/list/-', value: 3 },
      { op: 'replace', path: '/list/0', value: 0 },
      { op: 'copy', from: '/list', path: '/copy' },
      { op: 'move', from: '/copy', path: '/moved' },
      { op: 'remove', path: '/metadata/labels/a~1b' },
    ]);
    assert.deepEqual(out, { metadata: { labels: {} }, list: [0, 2, 3], moved: [0, 2, 3] });
    assert.deepEqual(doc.list, [1, 2], 'the input is not mutated');
  });
  test('a failed test or a missing path does not apply; a malformed patch is malformed', () => {
    assert.throws(() => applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }]), (e: JsonPatchError) => !e.malformed && /test failed/.test(e.message));
    assert.throws(() => applyJsonPatch({ a: 1 }, [{ op: 'remove', path: '/b' }]), (e: JsonPatchError) => !e.malformed);
    assert.throws(() => applyJsonPatch({ a: 1 }, { op: 'add' }), (e: JsonPatchError) => e.malformed);
  });
});

describe('strategic merge patch', () => {
  const table = { ...objectMetaKeys('metadata'), ...podTemplateKeys('spec.template') };
  const deployment = {
    metadata: { finalizers: ['a'], labels: { x: '1' } },
    spec: {
      template: {
        spec: {
          containers: [
            { name: 'web', image: 'w:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80 }], args: ['x'] },
            { name: 'side', image: 's:1' },
          ],
        },
      },
    },
  };
  test('containers merge by name, env by name, ports by containerPort; other lists are replaced', () => {
    const out = applyStrategicMergePatch(
      deployment,
      { spec: { template: { spec: { containers: [{ name: 'web', image: 'w:2', env: [{ name: 'B', value: 'two' }, { name: 'C', value: '3' }], args: ['y'] }] } } } },
      table,
    ) as any;
    const web = out.spec.template.spec.containers[0];
    assert.equal(web.image, 'w:2');
    assert.deepEqual(web.env, [{ name: 'A', value: '1' }, { name: 'B', value: 'two' }, { name: 'C', value: '3' }]);
    assert.deepEqual(web.ports, [{ containerPort: 80 }]);
    assert.deepEqual(web.args, ['y']);
    assert.equal(out.spec.template.spec.containers[1].name, 'side');
  });
  test('$patch delete and replace, finalizers as a set, null removes', () => {
    const out = applyStrategicMergePatch(
      deployment,
      {
        metadata: { finalizers: ['b', 'a'], labels: { x: null } },
        spec: { template: { spec: { containers: [{ name: 'side', $patch: 'delete' }] } } },
      },
      table,
    ) as any;
    assert.deepEqual(out.metadata.finalizers, ['a', 'b']);
    assert.deepEqual(out.metadata.labels, {});
    assert.deepEqual(out.spec.template.spec.containers.map((c: any) => c.name), ['web']);
    const replaced = applyStrategicMergePatch(deployment, { spec: { template: { spec: { $patch: 'replace', containers: [{ name: 'only', image: 'o' }] } } } }, table) as any;
    assert.deepEqual(replaced.spec.template.spec, { containers: [{ name: 'only', image: 'o' }] });
  });
});
