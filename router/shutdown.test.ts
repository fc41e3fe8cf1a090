import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { listen, send } from './proxy-fixtures.js';
import { closeGracefully } from './shutdown.js';

test('a graceful close finishes requests in flight and closes idle keep-alive connections', async () => {
  let started!: () => void;
  const inFlight = new Promise<void>((resolve) => (started = resolve));
  const server = http.createServer((req, res) => {
    if (req.url === '/slow') {
      started();
      setTimeout(() => res.end('done'), 200);
    } else res.end('quick');
  });
  const port = await listen(server);
  const agent = new http.Agent({ keepAlive: true });
  try {
    await send(port, { host: 'x', agent }); // leaves an idle keep-alive connection
    const slow = send(port, { host: 'x', path: '/slow', agent });
    await inFlight;
    const began = Date.now();
    await closeGracefully(server, 5_000);
    assert.equal((await slow).body, 'done');
    assert.ok(Date.now() - began < 2_000, 'idle connections did not hold the close');
  } finally {
    agent.destroy();
  }
});

test('the grace period bounds a stuck request', async () => {
  let started!: () => void;
  const inFlight = new Promise<void>((resolve) => (started = resolve));
  const server = http.createServer(() => started()); // never answers
  const port = await listen(server);
  const stuck = send(port, { host: 'x' }).catch((err: Error) => err);
  await inFlight;
  const began = Date.now();
  await closeGracefully(server, 100);
  assert.ok(Date.now() - began < 1_000);
  assert.ok((await stuck) instanceof Error);
});
