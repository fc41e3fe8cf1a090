import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { close, listen, tableOf } from './proxy-fixtures.js';
import { encodeRouteEvent } from './route-stream.js';
import type { RouteTable } from './route-table.js';
import { watchRoutes } from './watch-client.js';

/** Resolves when `check` holds, polling; fails after `ms`. */
async function until(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('receives snapshots, keeps the last table across a dropped connection, reconnects', async () => {
  const seenAuth: (string | undefined)[] = [];
  const seenUrls: (string | undefined)[] = [];
  let connection = 0;
  const server = http.createServer((req, res) => {
    connection++;
    seenAuth.push(req.headers.authorization);
    seenUrls.push(req.url);
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    const base = connection * 10;
    res.write(encodeRouteEvent({ type: 'snapshot', revision: base + 1, routes: tableOf('web', [[1, 100, [5001]]]) }));
    // The second snapshot arrives split across writes, with a heartbeat between.
    const second = encodeRouteEvent({ type: 'snapshot', revision: base + 2, routes: tableOf('web', [[2, 100, [5002]]]) });
    res.write(encodeRouteEvent({ type: 'heartbeat' }) + second.slice(0, 10));
    setTimeout(() => res.end(second.slice(10)), 20);
  });
  const port = await listen(server);
  const stop = new AbortController();
  const tables: [number, RouteTable][] = [];
  const logs: string[] = [];
  const watching = watchRoutes({
    url: `http://127.0.0.1:${port}/`,
    token: 'router-token-xyz',
    signal: stop.signal,
    logger: (m) => logs.push(m),
    onTable: (table, revision) => tables.push([revision, table]),
    onApp: () => {},
  });
  try {
    await until(() => tables.length >= 4);
    assert.deepEqual(tables.slice(0, 4).map(([r]) => r), [11, 12, 21, 22]);
    assert.deepEqual(tables[1]![1], tableOf('web', [[2, 100, [5002]]]));
    assert.equal(seenAuth[0], 'Bearer router-token-xyz');
    assert.equal(seenUrls[0], '/v1/routes?watch=1');
    assert.ok(connection >= 2);
    assert.ok(logs.every((l) => !l.includes('router-token-xyz')));
  } finally {
    stop.abort();
    await watching;
    await close(server);
  }
});

test('per-app changes follow the snapshot; a gap in revisions reconnects for a fresh snapshot', async () => {
  let connection = 0;
  const server = http.createServer((_req, res) => {
    connection++;
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    res.write(encodeRouteEvent({ type: 'snapshot', revision: 5, routes: tableOf('web', [[1, 100, [5001]]]) }));
    if (connection > 1) return;
    res.write(encodeRouteEvent({ type: 'app', revision: 6, app: 'api', route: tableOf('api', [[3, 100, [5003]]])['api']! }));
    res.write(encodeRouteEvent({ type: 'app', revision: 7, app: 'web', route: null }));
    // Revision 8 never arrives: the router must not trust what follows.
    res.write(encodeRouteEvent({ type: 'app', revision: 9, app: 'api', route: null }));
  });
  const port = await listen(server);
  const stop = new AbortController();
  const seen: string[] = [];
  const logs: string[] = [];
  const watching = watchRoutes({
    url: `http://127.0.0.1:${port}`,
    token: 't',
    signal: stop.signal,
    logger: (m) => logs.push(m),
    onTable: (table, revision) => seen.push(`snapshot ${revision}: ${Object.keys(table).join(',')}`),
    onApp: (app, route, revision) => seen.push(`app ${revision}: ${app} ${route ? `v${route.releases[0]!.release}` : 'gone'}`),
  });
  try {
    await until(() => seen.length >= 4);
    assert.deepEqual(seen.slice(0, 4), ['snapshot 5: web', 'app 6: api v3', 'app 7: web gone', 'snapshot 5: web']);
    assert.ok(logs.some((l) => /skipped from revision 7 to 9/.test(l)), logs.join('\n'));
  } finally {
    stop.abort();
    await watching;
    await close(server);
  }
});

test('a silent connection is dropped after the heartbeat timeout; a refused token is reported', async () => {
  let connections = 0;
  const server = http.createServer((req, res) => {
    connections++;
    if (connections === 1) {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end('{"code":"UNAUTHORIZED"}');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    res.write(encodeRouteEvent({ type: 'snapshot', revision: connections, routes: {} }));
    // …then nothing: no heartbeat, the connection stays open.
  });
  const port = await listen(server);
  const stop = new AbortController();
  const revisions: number[] = [];
  const logs: string[] = [];
  const watching = watchRoutes({
    url: `http://127.0.0.1:${port}`,
    token: 'tok',
    signal: stop.signal,
    logger: (m) => logs.push(m),
    heartbeatTimeoutMs: 150,
    onTable: (_t, revision) => revisions.push(revision),
    onApp: () => {},
  });
  try {
    await until(() => revisions.length >= 2);
    assert.deepEqual(revisions.slice(0, 2), [2, 3]);
    assert.ok(logs.some((l) => /refused the router token \(HTTP 401\)/.test(l)), logs.join('\n'));
    assert.ok(logs.some((l) => /no data for 150 ms/.test(l)), logs.join('\n'));
  } finally {
    stop.abort();
    await watching;
    await close(server);
  }
});

test('stopping while the server is down ends the watch promptly', async () => {
  const server = http.createServer();
  const port = await listen(server);
  await close(server);
  const stop = new AbortController();
  const watching = watchRoutes({ url: `http://127.0.0.1:${port}`, token: 't', signal: stop.signal, onTable: () => {}, onApp: () => {} });
  await new Promise((r) => setTimeout(r, 250));
  const started = Date.now();
  stop.abort();
  await watching;
  assert.ok(Date.now() - started < 200);
});
