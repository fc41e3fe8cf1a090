/**
 * Fault injection: failNext with proper Status bodies (429 with
 * Retry-After, 500, 409, 503 on a watch), latency, stalled watches that
 * stay open but silent (not even bookmarks) while new watches work, and
 * dropped watches.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { apiError, createNamespace, eventually, startKit, within, type Kit } from './test-kit.js';

describe('kube double: faults', () => {
  let kit: Kit;
  before(async () => {
    kit = await startKit({ bookmarkIntervalMs: 50 });
    await createNamespace(kit, 'f');
  });
  after(() => kit.close());

  test('failNext answers the next matching requests with a Status, then lets them through', async () => {
    kit.kube.faults.failNext({ verb: 'list', resource: 'configmaps', status: 429 });
    const limited = await apiError(kit.core.listNamespacedConfigMap({ namespace: 'f' }));
    assert.equal(limited.code, 429);
    assert.equal(limited.headers['retry-after'], '1');
    assert.equal(limited.status.reason, 'TooManyRequests');
    assert.equal(limited.status.details.retryAfterSeconds, 1);
    await kit.core.listNamespacedConfigMap({ namespace: 'f' });

    kit.kube.faults.failNext({ verb: 'create', resource: 'configmaps', namespace: 'f', status: 500, times: 2, message: 'etcdserver: request timed out' });
    for (let i = 0; i < 2; i++) {
      const failed = await apiError(kit.core.createNamespacedConfigMap({ namespace: 'f', body: { metadata: { name: 'c' } } }));
      assert.equal(failed.code, 500);
      assert.equal(failed.status.reason, 'InternalError');
      assert.equal(failed.status.message, 'etcdserver: request timed out');
    }
    await kit.core.createNamespacedConfigMap({ namespace: 'f', body: { metadata: { name: 'c' } } });

    kit.kube.faults.failNext({ verb: 'update', name: 'c', status: 409 });
    const conflict = await apiError(kit.core.replaceNamespacedConfigMap({ namespace: 'f', name: 'c', body: { metadata: { name: 'c' } } }));
    assert.equal(conflict.code, 409);
    assert.equal(conflict.status.reason, 'Conflict');

    kit.kube.faults.failNext({ verb: 'watch', resource: 'configmaps', status: 503 });
    const err = await new Promise<any>((resolve) => void new k8s.Watch(kit.kc).watch('/api/v1/namespaces/f/configmaps', {}, () => {}, resolve));
    assert.equal(err?.statusCode, 503);
  });

  test('latency delays every response', async () => {
    kit.kube.faults.latency(250);
    try {
      const t0 = Date.now();
      await kit.core.readNamespace({ name: 'f' });
      assert.ok(Date.now() - t0 >= 240);
    } finally {
      kit.kube.faults.latency(0);
    }
  });

  test('stalled watches go silent (no bookmarks) while new ones work; resume delivers what was held', async () => {
    const stalled: string[] = [];
    const c1 = await new k8s.Watch(kit.kc).watch('/api/v1/namespaces/f/configmaps', { allowWatchBookmarks: true }, (type, o) => stalled.push(`${type} ${o.metadata?.name ?? ''}`), () => {});
    await eventually('a bookmark before the stall', () => stalled.some((e) => e.startsWith('BOOKMARK')));
    kit.kube.faults.stallWatches({ resource: 'configmaps' });
    await new Promise((r) => setTimeout(r, 100)); // let bytes already on the wire arrive
    const before = stalled.length;
    await kit.core.createNamespacedConfigMap({ namespace: 'f', body: { metadata: { name: 'during-stall' } } });
    const fresh: string[] = [];
    const c2 = await new k8s.Watch(kit.kc).watch('/api/v1/namespaces/f/configmaps', {}, (type, o) => fresh.push(`${type} ${o.metadata?.name}`), () => {});
    await eventually('a new watch sees the object', () => fresh.includes('ADDED during-stall'));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(stalled.length, before, 'nothing arrives on a stalled watch, not even bookmarks');
    kit.kube.faults.resumeWatches();
    await eventually('the held event after resume', () => stalled.includes('ADDED during-stall'));
    c1.abort();
    c2.abort();
  });

  test('dropWatches cuts connections', async () => {
    let seen = 0;
    const done = new Promise<unknown>((resolve) => void new k8s.Watch(kit.kc).watch('/api/v1/namespaces/f/configmaps', {}, () => seen++, resolve));
    await eventually('the watch to be open', () => seen > 0);
    kit.kube.faults.dropWatches();
    await within(done, 3000, 'the dropped watch to report its end');
  });
});
