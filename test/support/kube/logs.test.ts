/**
 * Pod logs through client-node's Log class (follow) and
 * CoreV1Api.readNamespacedPodLog (tailLines, timestamps, sinceTime,
 * previous), and the kubelet's 400s for what cannot be read.
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { apiError, createNamespace, eventually, raw, startKit, within } from './test-kit.js';

describe('kube double: pod logs', () => {
  test('follow, tail, timestamps, and the kubelet errors', async () => {
    const kit = await startKit();
    try {
      await createNamespace(kit, 'logs');
      await kit.core.createNamespacedPod({
        namespace: 'logs',
        body: { metadata: { name: 'web' }, spec: { containers: [{ name: 'web', image: 'fake.paas.test/web:1', ports: [{ containerPort: 8080 }] }] } },
      });
      const ip = await eventually('running', () => {
        const p = kit.kube.get('pods', 'logs', 'web');
        return p?.status?.containerStatuses?.[0]?.state?.running ? p.status.podIP : undefined;
      });

      const stream = new PassThrough();
      let followed = '';
      stream.on('data', (c: Buffer) => (followed += c.toString()));
      const ended = new Promise((r) => stream.on('end', r));
      const req = await new k8s.Log(kit.kc).log('logs', 'web', 'web', stream, { follow: true });
      await eventually('the existing line', () => followed.includes('listening on 8080'));
      await fetch(`http://${ip}:8080/one`);
      await fetch(`http://${ip}:8080/two`);
      await eventually('lines as they happen', () => followed.includes('GET /two'));
      assert.equal(followed, 'listening on 8080\nGET /one\nGET /two\n');

      const tail = await kit.core.readNamespacedPodLog({ namespace: 'logs', name: 'web', tailLines: 1, timestamps: true });
      assert.match(tail, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z GET \/two\n$/);
      const stamp = tail.split(' ')[0] ?? '';
      // client-node 1.4.0's readNamespacedPodLog has no sinceTime parameter
      const since = await raw(kit.kube, 'GET', `/api/v1/namespaces/logs/pods/web/log?sinceTime=${encodeURIComponent(stamp)}`);
      assert.equal(since.text, 'GET /two\n');
      assert.match(String(since.headers['content-type']), /^text\/plain/);

      await kit.core.deleteNamespacedPod({ namespace: 'logs', name: 'web', gracePeriodSeconds: 1 });
      await within(ended, 5000, 'the follow stream to end with the container');
      req.abort();

      await kit.core.createNamespacedPod({
        namespace: 'logs',
        body: { metadata: { name: 'two' }, spec: { containers: [{ name: 'a', image: 'fake.paas.test/a' }, { name: 'b', image: 'fake.paas.test/b' }] } },
      });
      const which = await apiError(kit.core.readNamespacedPodLog({ namespace: 'logs', name: 'two' }));
      assert.equal(which.code, 400);
      const wrong = await apiError(kit.core.readNamespacedPodLog({ namespace: 'logs', name: 'two', container: 'c' }));
      assert.equal(wrong.code, 400);
      const previous = await apiError(kit.core.readNamespacedPodLog({ namespace: 'logs', name: 'two', container: 'a', previous: true }));
      assert.equal(previous.code, 400);
      const missing = await apiError(kit.core.readNamespacedPodLog({ namespace: 'logs', name: 'nope' }));
      assert.equal(missing.code, 404);
    } finally {
      await kit.close();
    }
  });
});
