/**
 * The reflector's watchdog against a server that misbehaves in the ways a
 * real network does: a watch that is accepted but never answered (no
 * headers), and one that answers and then goes silent. Each time the
 * reflector gives up on the connection after `stallMs` and resumes from the
 * last resourceVersion it saw, so no event is lost.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { KubeConfig, Watch, type KubernetesObject } from '@kubernetes/client-node';
import { Reflector } from './reflector.js';

const object = (name: string, rv: string): KubernetesObject => ({ metadata: { name, namespace: 'ns', resourceVersion: rv } });

test('a watch that never answers, then one that goes silent, are both abandoned and resumed from the last version', async () => {
  const watchUrls: string[] = [];
  const server = http.createServer((req, res) => {
    watchUrls.push(req.url ?? '');
    const n = watchUrls.length;
    if (n === 1) return; // accepted, never answered: no headers at all
    res.writeHead(200, { 'content-type': 'application/json' });
    if (n === 2) {
      res.write(`${JSON.stringify({ type: 'ADDED', object: object('b', '6') })}\n`);
      return; // then silence, connection open
    }
    res.write(`${JSON.stringify({ type: 'ADDED', object: object('c', '7') })}\n`);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const seen: string[] = [];
  const logs: string[] = [];
  const reflector = new Reflector<KubernetesObject>({
    resource: 'things', path: '/api/v1/things', labelSelector: 'a=b', watch: new Watch(config), stallMs: 300, timeoutSeconds: 60,
    list: async () => ({ items: [object('a', '5')], metadata: { resourceVersion: '5' } }),
    onEvent: (type, o) => seen.push(`${type} ${o.metadata?.name}`),
    log: (line) => logs.push(line),
  });
  try {
    await reflector.start();
    const deadline = Date.now() + 5000;
    while (!reflector.get('ns', 'c') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(seen, ['ADDED a', 'ADDED b', 'ADDED c']);
    assert.match(watchUrls[1]!, /resourceVersion=5/, 'the second watch resumes after the list');
    assert.match(watchUrls[2]!, /resourceVersion=6/, 'the third resumes after the last event');
    assert.ok(logs.some((l) => /watch silent for 300 ms/.test(l)), logs.join('\n'));
  } finally {
    reflector.stop();
    server.closeAllConnections();
    await new Promise((ok) => server.close(ok));
  }
});
