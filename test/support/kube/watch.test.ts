/**
 * WATCH through client-node's Watch class: initial state, changes,
 * selector transitions (an object that stops matching is DELETED),
 * bookmarks, timeoutSeconds, resuming from a resourceVersion, and the
 * 410 Expired ERROR event once history is compacted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { createNamespace, eventually, mergePatch, raw, startKit, type Kit } from './test-kit.js';

interface Seen {
  type: string;
  name?: string;
  rv?: string;
  object: any;
}

async function watchCollect(kit: Kit, path: string, query: Record<string, string | number | boolean | undefined>): Promise<{ events: Seen[]; done: () => unknown; stop: () => void }> {
  const events: Seen[] = [];
  let finished: unknown;
  const controller = await new k8s.Watch(kit.kc).watch(
    path,
    query,
    (type, object) => events.push({ type, name: object?.metadata?.name, rv: object?.metadata?.resourceVersion, object }),
    (err) => (finished = err ?? 'closed'),
  );
  return { events, done: () => finished, stop: () => controller.abort() };
}

describe('kube double: watch', () => {
  let kit: Kit;
  before(async () => {
    kit = await startKit({ bookmarkIntervalMs: 100 });
    await createNamespace(kit, 'w');
  });
  after(() => kit.close());

  test('initial ADDED events, then changes, with selector transitions', async () => {
    await kit.core.createNamespacedConfigMap({ namespace: 'w', body: { metadata: { name: 'before', labels: { app: 'x' } } } });
    const w = await watchCollect(kit, '/api/v1/namespaces/w/configmaps', { labelSelector: 'app=x' });
    try {
      await eventually('initial ADDED', () => w.events.some((e) => e.type === 'ADDED' && e.name === 'before'));
      await kit.core.createNamespacedConfigMap({ namespace: 'w', body: { metadata: { name: 'later', labels: { app: 'x' } } } });
      await kit.core.createNamespacedConfigMap({ namespace: 'w', body: { metadata: { name: 'other', labels: { app: 'y' } } } });
      await kit.core.patchNamespacedConfigMap({ namespace: 'w', name: 'later', body: { data: { a: '1' } } }, mergePatch);
      await kit.core.patchNamespacedConfigMap({ namespace: 'w', name: 'later', body: { metadata: { labels: { app: 'z' } } } }, mergePatch);
      await kit.core.patchNamespacedConfigMap({ namespace: 'w', name: 'other', body: { metadata: { labels: { app: 'x' } } } }, mergePatch);
      await kit.core.deleteNamespacedConfigMap({ namespace: 'w', name: 'before' });
      await eventually('all events', () => w.events.length >= 6);
      assert.deepEqual(
        w.events.map((e) => `${e.type} ${e.name}`),
        ['ADDED before', 'ADDED later', 'MODIFIED later', 'DELETED later', 'ADDED other', 'DELETED before'],
      );
      const stoppedMatching = w.events[3];
      assert.equal(stoppedMatching?.object.metadata.labels.app, 'x', 'the DELETED object is its last matching state');
      assert.equal(stoppedMatching?.object.kind, 'ConfigMap');
      const rvs = w.events.slice(1).map((e) => Number(e.rv));
      assert.deepEqual(rvs, [...rvs].sort((a, b) => a - b), 'resourceVersions only grow');
    } finally {
      w.stop();
    }
  });

  test('bookmarks and timeoutSeconds', async () => {
    const w = await watchCollect(kit, '/api/v1/namespaces/w/configmaps', { allowWatchBookmarks: true, timeoutSeconds: 1 });
    await eventually('a bookmark', () => w.events.some((e) => e.type === 'BOOKMARK'));
    const bm = w.events.find((e) => e.type === 'BOOKMARK');
    assert.deepEqual(Object.keys(bm?.object.metadata ?? {}), ['resourceVersion']);
    assert.equal(bm?.object.kind, 'ConfigMap');
    await eventually('the server to end the watch', () => w.done() === 'closed', 3000);
  });

  test('resume from a resourceVersion; 410 Expired once history is compacted', async () => {
    const list = await kit.core.listNamespacedConfigMap({ namespace: 'w' });
    const rv = list.metadata?.resourceVersion ?? '';
    await kit.core.createNamespacedConfigMap({ namespace: 'w', body: { metadata: { name: 'after-list' } } });
    await kit.core.createNamespacedSecret({ namespace: 'w', body: { metadata: { name: 'not-a-configmap' } } });
    const resumed = await watchCollect(kit, '/api/v1/namespaces/w/configmaps', { resourceVersion: rv });
    try {
      await eventually('the missed event', () => resumed.events.some((e) => e.type === 'ADDED' && e.name === 'after-list'));
      assert.ok(!resumed.events.some((e) => e.name === 'kube-root-ca.crt'), 'nothing from before the resourceVersion');
      assert.ok(resumed.events.every((e) => e.object?.kind === 'ConfigMap'), 'the replayed history holds only the watched resource');
    } finally {
      resumed.stop();
    }
    kit.kube.faults.compact();
    const expired = await watchCollect(kit, '/api/v1/namespaces/w/configmaps', { resourceVersion: rv });
    await eventually('the ERROR event', () => expired.events.length > 0);
    assert.equal(expired.events[0]?.type, 'ERROR');
    assert.equal(expired.events[0]?.object.code, 410);
    assert.equal(expired.events[0]?.object.reason, 'Expired');
    assert.match(expired.events[0]?.object.message, new RegExp(`^too old resource version: ${rv} \\(\\d+\\)$`));
    await eventually('the stream to end', () => expired.done() === 'closed');
  });

  test('wire format: chunked application/json lines; future resourceVersion is 504', async () => {
    const res = await raw(kit.kube, 'GET', '/api/v1/namespaces/w/configmaps?watch=true&timeoutSeconds=0');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(res.headers['transfer-encoding'], 'chunked');
    for (const line of res.text.trim().split('\n')) assert.equal(JSON.parse(line).type, 'ADDED');
    const future = await raw(kit.kube, 'GET', '/api/v1/namespaces/w/configmaps?watch=1&resourceVersion=99999999');
    assert.equal(future.status, 504);
    assert.equal(future.body.details.causes[0].reason, 'ResourceVersionTooLarge');
  });

  test('cluster-wide watch across namespaces, fieldSelector on a name', async () => {
    await createNamespace(kit, 'w2');
    const w = await watchCollect(kit, '/api/v1/configmaps', { fieldSelector: 'metadata.name=target', resourceVersion: '0' });
    try {
      await kit.core.createNamespacedConfigMap({ namespace: 'w2', body: { metadata: { name: 'target' } } });
      await kit.core.createNamespacedConfigMap({ namespace: 'w2', body: { metadata: { name: 'not-target' } } });
      await eventually('ADDED target', () => w.events.some((e) => e.name === 'target'));
      assert.ok(!w.events.some((e) => e.name === 'not-target'));
    } finally {
      w.stop();
    }
  });
});
