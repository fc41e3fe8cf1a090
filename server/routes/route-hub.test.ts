import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RouteHub } from './route-hub.js';

test('the hub is "published" only after the first publish, even of an empty table; equal tables are not re-sent', async () => {
  const hub = new RouteHub();
  let published = false;
  void hub.published.then(() => (published = true));
  const seen: number[] = [];
  hub.subscribe((_table, revision) => seen.push(revision));
  await new Promise((r) => setImmediate(r));
  assert.equal(published, false, 'a router must not get the empty placeholder as the route table');

  hub.publish({});
  await new Promise((r) => setImmediate(r));
  assert.equal(published, true);
  assert.deepEqual(seen, [], 'an equal table is no change');

  const table = { shop: { releases: [] } } as unknown as Parameters<RouteHub['publish']>[0];
  hub.publish(table);
  hub.publish(structuredClone(table));
  assert.deepEqual(seen, [1]);
  assert.equal(hub.current().revision, 1);
});
