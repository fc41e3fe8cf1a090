import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AppRoute } from '../../router/route-table.js';
import { RouteHub } from './route-hub.js';

const route = (app: string, release: number): AppRoute => ({ app, releases: [{ release, weight: 100, endpoints: [{ id: 'a', host: '127.0.0.1', port: 5000 }] }] });

test('the hub is complete only when the controller says so, even with no app at all', async () => {
  const hub = new RouteHub();
  let complete = false;
  void hub.published.then(() => (complete = true));
  hub.publishApp('shop', route('shop', 1));
  await new Promise((r) => setImmediate(r));
  assert.equal(complete, false, 'a router must not take a partial table for the whole one');
  hub.markComplete();
  await new Promise((r) => setImmediate(r));
  assert.equal(complete, true);
});

test('changes go out one app at a time with consecutive revisions; unchanged routes are not re-sent', () => {
  const hub = new RouteHub();
  const seen: string[] = [];
  hub.subscribe((c) => seen.push(`${c.revision} ${c.app} ${c.route ? `v${c.route.releases[0]!.release}` : 'gone'}`));
  hub.publishApp('shop', route('shop', 1));
  hub.publishApp('blog', route('blog', 4));
  hub.publishApp('shop', structuredClone(route('shop', 1)));
  hub.publishApp('shop', route('shop', 2));
  hub.publishApp('blog', undefined);
  hub.publishApp('blog', undefined);
  assert.deepEqual(seen, ['1 shop v1', '2 blog v4', '3 shop v2', '4 blog gone']);
  assert.deepEqual(Object.keys(hub.current().table), ['shop']);
  assert.equal(hub.current().revision, 4);
});
