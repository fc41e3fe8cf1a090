/**
 * client-node's makeInformer (list, then watch from the list's
 * resourceVersion) against the double: it sees adds, updates and deletes;
 * after a dropped connection it reports the error and can be restarted;
 * after compaction a restart re-lists instead of resuming.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { createNamespace, eventually, mergePatch, startKit } from './test-kit.js';

describe('kube double: informer', () => {
  test('makeInformer sees add, update and delete, and recovers from dropped and compacted watches', async () => {
    const kit = await startKit();
    const informer = k8s.makeInformer(kit.kc, '/api/v1/namespaces/inf/configmaps', () => kit.core.listNamespacedConfigMap({ namespace: 'inf' }));
    try {
      await createNamespace(kit, 'inf');
      const log: string[] = [];
      const errors: unknown[] = [];
      informer.on('add', (o) => log.push(`add ${o.metadata?.name}`));
      informer.on('update', (o) => log.push(`update ${o.metadata?.name} ${JSON.stringify(o.data ?? {})}`));
      informer.on('delete', (o) => log.push(`delete ${o.metadata?.name}`));
      informer.on('error', (e) => errors.push(e));
      await informer.start();
      await eventually('the listed root CA', () => log.includes('add kube-root-ca.crt'));
      await kit.core.createNamespacedConfigMap({ namespace: 'inf', body: { metadata: { name: 'a' } } });
      await kit.core.patchNamespacedConfigMap({ namespace: 'inf', name: 'a', body: { data: { k: 'v' } } }, mergePatch);
      await kit.core.deleteNamespacedConfigMap({ namespace: 'inf', name: 'a' });
      await eventually('add, update and delete of a', () => log.includes('delete a'));
      assert.deepEqual(log.slice(1), ['add a', 'update a {"k":"v"}', 'delete a']);

      kit.kube.faults.dropWatches({ resource: 'configmaps' });
      await eventually('the informer to report the dropped watch', () => errors.length > 0);
      await kit.core.createNamespacedConfigMap({ namespace: 'inf', body: { metadata: { name: 'while-down' } } });
      await informer.start();
      await eventually('the missed add, replayed from history', () => log.includes('add while-down'));

      kit.kube.faults.compact();
      kit.kube.faults.endWatches({ resource: 'configmaps' });
      await kit.core.createNamespacedConfigMap({ namespace: 'inf', body: { metadata: { name: 'after-compaction' } } });
      await eventually('a re-list after 410', () => log.includes('add after-compaction'), 5000);
      assert.ok(informer.list('inf').some((o) => o.metadata?.name === 'after-compaction'));
    } finally {
      await informer.stop();
      await kit.close();
    }
  });
});
