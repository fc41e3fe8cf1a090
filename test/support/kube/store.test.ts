/**
 * The store's indexes and sharing rules, against a plain model of what
 * they replace: lists in etcd key order (whole-key string order, so
 * namespace "a-b" sorts before "a"), per-namespace lists and counts,
 * dependents by owner uid as ownerReferences come and go, frozen shared
 * objects beside mutable copies, watch history after it wraps, and
 * per-resource subscribers interleaved with global ones in subscription
 * order; and the copy every read hands out is exactly a JSON round trip.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clone, type Obj } from './lib/json.js';
import { Store, type StoreEvent } from './store/store.js';

const obj = (namespace: string | undefined, name: string, owners: string[] = [], uid = `${namespace ?? ''}-${name}`): Obj => ({
  metadata: { ...(namespace === undefined ? {} : { namespace }), name, uid, ...(owners.length ? { ownerReferences: owners.map((o) => ({ kind: 'X', name: o, uid: o, apiVersion: 'v1' })) } : {}) },
});
const names = (objects: Obj[]): string[] => objects.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`);

/** What the store answered before it had indexes: a filter over everything, sorted by key. */
function model(all: Obj[], namespace?: string): string[] {
  return names(all.filter((o) => namespace === undefined || o.metadata.namespace === namespace)).sort((a, z) => (a < z ? -1 : a > z ? 1 : 0));
}

describe('kube double: store indexes', () => {
  test('lists in key order, by namespace, with counts', () => {
    const store = new Store(100);
    const all = [obj('a', 'z'), obj('a-b', 'y'), obj('a', 'b'), obj('b', 'a'), obj('a.c', 'x'), obj('', 'odd'), obj(undefined, 'cluster')];
    for (const o of all) store.create('/things', o);
    assert.deepEqual(names(store.list('/things')), model(all));
    for (const ns of ['a', 'a-b', 'b', 'a.c', '', 'none']) {
      assert.deepEqual(names(store.scan('/things', ns)), model(all, ns), `namespace ${JSON.stringify(ns)}`);
      assert.equal(store.count('/things', ns), model(all, ns).length);
    }
    assert.equal(store.count('/things'), all.length);
    store.remove('/things', 'a', 'b');
    store.create('/things', obj('a', 'c'));
    const now = [...all.filter((o) => !(o.metadata.namespace === 'a' && o.metadata.name === 'b')), obj('a', 'c')];
    assert.deepEqual(names(store.scan('/things', 'a')), model(now, 'a'));
    assert.deepEqual(names(store.scan('/things')), model(now));
    assert.deepEqual(store.scan('/nothing'), []);
  });

  test('dependents by owner uid follow ownerReferences through updates and removals', () => {
    const store = new Store(100);
    store.create('/pods', obj('n', 'p2', ['rs1']));
    store.create('/pods', obj('n', 'p1', ['rs1', 'other']));
    store.create('/pods', obj('m', 'p3', ['rs1']));
    store.create('/pods', obj('n', 'p4', ['rs2']));
    assert.deepEqual(names(store.ownedBy('/pods', 'rs1')), ['m/p3', 'n/p1', 'n/p2']);
    assert.deepEqual(names(store.ownedBy('/pods', 'other')), ['n/p1']);
    assert.deepEqual(store.ownedBy('/services', 'rs1'), []);

    const p1 = store.get('/pods', 'n', 'p1') as Obj;
    p1.metadata.ownerReferences = p1.metadata.ownerReferences.filter((r: Obj) => r.uid !== 'rs1');
    store.update('/pods', p1);
    const p4 = store.get('/pods', 'n', 'p4') as Obj;
    p4.metadata.ownerReferences.push({ kind: 'X', name: 'rs1', uid: 'rs1', apiVersion: 'v1' });
    store.update('/pods', p4);
    assert.deepEqual(names(store.ownedBy('/pods', 'rs1')), ['m/p3', 'n/p2', 'n/p4']);
    assert.deepEqual(names(store.ownedBy('/pods', 'other')), ['n/p1']);

    store.remove('/pods', 'n', 'p2');
    const p3 = store.get('/pods', 'm', 'p3') as Obj;
    delete p3.metadata.ownerReferences;
    store.update('/pods', p3);
    assert.deepEqual(names(store.ownedBy('/pods', 'rs1')), ['n/p4']);
    assert.deepEqual(names(store.ownedBy('/pods', 'rs2')), ['n/p4']);
    assert.equal(store.byUid('n-p4')?.object.metadata.name, 'p4');
    store.remove('/pods', 'n', 'p4');
    assert.deepEqual(store.ownedBy('/pods', 'rs1'), []);
    assert.equal(store.byUid('n-p4'), undefined);
  });

  test('stored objects are frozen and shared; get, list and writes hand out copies', () => {
    const store = new Store(100);
    const seen: StoreEvent[] = [];
    store.subscribe((ev) => seen.push(ev));
    const created = store.create('/pods', obj('n', 'p', ['o']));
    created.metadata.labels = { changed: 'yes' };
    const shared = store.peek('/pods', 'n', 'p') as Obj;
    assert.equal(shared.metadata.labels, undefined, 'what create returned is a copy');
    assert.equal(seen[0]?.object, shared, 'the event carries the stored object');
    assert.equal(store.scan('/pods', 'n')[0], shared);
    assert.equal(store.ownedBy('/pods', 'o')[0], shared);
    assert.throws(() => {
      shared.metadata.name = 'other';
    }, TypeError);
    assert.throws(() => {
      shared.metadata.ownerReferences[0].uid = 'x';
    }, TypeError);
    const copy = store.get('/pods', 'n', 'p') as Obj;
    copy.metadata.ownerReferences[0].uid = 'x';
    (store.list('/pods')[0] as Obj).metadata.name = 'renamed';
    assert.equal((store.peek('/pods', 'n', 'p') as Obj).metadata.ownerReferences[0].uid, 'o');
    const gone = store.remove('/pods', 'n', 'p') as Obj;
    gone.metadata.name = 'mutable';
    assert.equal(seen[1]?.object.metadata.name, 'p');
    assert.equal(seen[1]?.prevObject, shared);
  });

  test('history keeps the newest events and answers from any revision it still has', () => {
    const store = new Store(5);
    for (let i = 0; i < 23; i++) store.create('/cm', obj('n', `c${i}`));
    const rev = store.currentRevision;
    assert.equal(store.oldestResumable, rev - 5);
    assert.equal(store.eventsSince(rev - 6), 'expired');
    assert.deepEqual((store.eventsSince(rev - 5) as StoreEvent[]).map((e) => e.revision), [rev - 4, rev - 3, rev - 2, rev - 1, rev]);
    assert.deepEqual((store.eventsSince(rev - 2) as StoreEvent[]).map((e) => e.revision), [rev - 1, rev]);
    assert.deepEqual(store.eventsSince(rev), []);
    store.compact();
    assert.equal(store.eventsSince(rev - 1), 'expired');
    assert.deepEqual(store.eventsSince(rev), []);
  });

  test('subscribers of one resource hear only it, in subscription order with everyone else', () => {
    const store = new Store(100);
    const heard: string[] = [];
    store.subscribe((ev) => heard.push(`all1 ${ev.resource}`));
    const stopPods = store.subscribe((ev) => heard.push(`pods ${ev.resource}`), '/pods');
    store.subscribe((ev) => heard.push(`all2 ${ev.resource}`));
    store.subscribe((ev) => heard.push(`svc ${ev.resource}`), '/services');
    store.create('/pods', obj('n', 'p'));
    store.create('/services', obj('n', 's'));
    stopPods();
    store.create('/pods', obj('n', 'q'));
    assert.deepEqual(heard, ['all1 /pods', 'pods /pods', 'all2 /pods', 'all1 /services', 'all2 /services', 'svc /services', 'all1 /pods', 'all2 /pods']);
  });

  test('clone gives what a JSON round trip gives, plain or not', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const values: unknown[] = [
      { a: 1, b: 'x', c: [1, 'two', null, true, { d: [] }], e: {}, f: null },
      { skip: undefined, nan: NaN, inf: -Infinity, zero: -0, list: [undefined, () => 1, NaN] },
      { when: new Date(0), point: new Point(2), nested: { toJSON: () => 'replaced' }, text: { toJSON: 'kept as data' } },
      JSON.parse('{"__proto__": {"polluted": true}, "2": "b", "1": "a", "z": 0}'),
      Object.assign(Object.create(null), { bare: 1 }),
      Object.freeze({ frozen: Object.freeze([1, 2]) }),
      [1, , 3],
      'text',
      7,
      null,
    ];
    for (const v of values) {
      const copy = clone(v);
      assert.equal(JSON.stringify(copy), JSON.stringify(v));
      assert.deepEqual(copy, JSON.parse(JSON.stringify(v)));
      if (typeof v === 'object' && v !== null) assert.notEqual(copy, v);
    }
    assert.equal(clone(undefined), undefined);
  });
});
