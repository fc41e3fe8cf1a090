import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import {
  closedPort,
  echoed,
  headerNames,
  headerValue,
  send,
  startRouter,
  startUpstream,
  tableOf,
  type TestRouter,
  type Upstream,
} from './proxy-fixtures.js';

describe('routing', () => {
  let a: Upstream;
  let b: Upstream;
  let router: TestRouter;
  before(async () => {
    a = await startUpstream('web-a');
    b = await startUpstream('api-b');
    router = await startRouter({
      ...tableOf('web', [[7, 100, [a.port]]]),
      ...tableOf('api', [[3, 100, [b.port]]]),
      ...tableOf('idle', [[2, 100, []]]),
    });
  });
  after(async () => {
    await router.close();
    await a.close();
    await b.close();
  });

  test('routes by Host, ignoring its port and case, and names the release', async () => {
    const web = await send(router.port, { host: `web.localhost:${router.port}`, path: '/x?y=1' });
    assert.equal(web.status, 200);
    assert.equal(web.body, 'web-a');
    assert.equal(web.headers['x-paas-release'], 'v7');
    assert.equal(echoed(web).url, '/x?y=1');

    const api = await send(router.port, { host: 'API.Localhost' });
    assert.equal(api.body, 'api-b');
    assert.equal(api.headers['x-paas-release'], 'v3');
  });

  test('unknown app is a readable 404', async () => {
    const reply = await send(router.port, { host: `nope.localhost:${router.port}` });
    assert.equal(reply.status, 404);
    assert.match(reply.headers['content-type'] ?? '', /^text\/plain/);
    assert.match(reply.body, /No app "nope" is deployed at this host/);
    assert.equal(reply.headers['x-paas-release'], undefined);
  });

  test('an app with no ready endpoints is a 503 that says so', async () => {
    const reply = await send(router.port, { host: 'idle.localhost' });
    assert.equal(reply.status, 503);
    assert.match(reply.body, /App "idle" has no instances ready/);
  });

  test('the router itself answers on a host that is not an app host', async () => {
    const home = await send(router.port, { host: `localhost:${router.port}` });
    assert.equal(home.status, 404);
    assert.match(home.body, /This is the paas router/);
    const health = await send(router.port, { host: `127.0.0.1:${router.port}`, path: '/healthz' });
    assert.equal(health.status, 200);
    const metrics = await send(router.port, { host: `localhost:${router.port}`, path: '/metrics' });
    assert.equal(metrics.status, 200);
    assert.match(metrics.body, /paas_router_requests_total\{app="web",release="v7",code="2xx"\} \d+/);
    assert.match(metrics.body, /paas_router_requests_total\{app="idle",release="none",code="5xx"\} 1/);
    assert.match(metrics.body, /paas_router_unknown_app_requests_total 1/);
    // An app host's /metrics is the app's, not the router's.
    const app = await send(router.port, { host: 'web.localhost', path: '/metrics' });
    assert.equal(app.body, 'web-a');
  });

  test('hop-by-hop request headers are stripped and X-Forwarded-* set', async () => {
    const reply = await send(router.port, {
      host: `web.localhost:${router.port}`,
      headers: [
        'Connection', 'keep-alive, X-Hop-Named',
        'X-Hop-Named', 'secret',
        'Keep-Alive', 'timeout=5',
        'Proxy-Authorization', 'Basic eDp5',
        'Proxy-Connection', 'keep-alive',
        'TE', 'trailers',
        'Upgrade', 'websocket',
        'X-Forwarded-For', '203.0.113.9',
        'X-Forwarded-Proto', 'https',
        'X-Forwarded-Host', 'evil.example',
        'X-End-To-End', 'kept',
        'Cookie', 'a=1',
      ],
    });
    const seen = echoed(reply).headers;
    const names = headerNames(seen);
    for (const hop of ['x-hop-named', 'keep-alive', 'proxy-authorization', 'proxy-connection', 'te', 'upgrade']) {
      assert.ok(!names.includes(hop), `${hop} reached the app`);
    }
    assert.equal(headerValue(seen, 'x-end-to-end'), 'kept');
    assert.equal(headerValue(seen, 'cookie'), 'a=1');
    assert.equal(headerValue(seen, 'host'), `web.localhost:${router.port}`);
    assert.equal(headerValue(seen, 'x-forwarded-for'), '203.0.113.9, 127.0.0.1');
    assert.equal(headerValue(seen, 'x-forwarded-proto'), 'http');
    assert.equal(headerValue(seen, 'x-forwarded-host'), `web.localhost:${router.port}`);
    assert.equal(names.filter((n) => n === 'x-forwarded-for').length, 1);
  });
});

test('hop-by-hop response headers are stripped, end-to-end ones kept, X-Paas-Release is the router’s', async () => {
  const app = await startUpstream('hop', (_req, res) => {
    res.writeHead(200, [
      'Connection', 'X-Resp-Named',
      'X-Resp-Named', 'secret',
      'Keep-Alive', 'timeout=5',
      'Proxy-Authenticate', 'Basic',
      'Upgrade', 'h2c',
      'Trailer', 'X-Checksum',
      'X-Paas-Release', 'v999',
      'Set-Cookie', 'a=1',
      'Set-Cookie', 'b=2',
    ]);
    res.end('body');
  });
  const router = await startRouter(tableOf('hop', [[4, 100, [app.port]]]));
  try {
    const reply = await send(router.port, { host: 'hop.localhost' });
    assert.equal(reply.body, 'body');
    const names = headerNames(reply.rawHeaders);
    for (const hop of ['x-resp-named', 'proxy-authenticate', 'upgrade', 'trailer']) {
      assert.ok(!names.includes(hop), `${hop} reached the client`);
    }
    assert.notEqual(reply.headers['keep-alive'], 'timeout=5');
    assert.deepEqual(reply.headers['set-cookie'], ['a=1', 'b=2']);
    assert.equal(reply.headers['x-paas-release'], 'v4');
    assert.equal(names.filter((n) => n === 'x-paas-release').length, 1);
  } finally {
    await router.close();
    await app.close();
  }
});

test('bodies stream both ways', async () => {
  const app = await startUpstream('echo', (req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
    req.pipe(res);
  });
  const router = await startRouter(tableOf('echo', [[1, 100, [app.port]]]));
  try {
    const body = Buffer.alloc(3 * 1024 * 1024, 'abcdefgh');
    const reply = await send(router.port, { host: 'echo.localhost', method: 'POST', body });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.length, body.length);
    assert.equal(reply.body, body.toString());

    // A chunked body (no Content-Length) is re-chunked for the next hop.
    const chunked = await new Promise<string>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: router.port, method: 'PUT', headers: { host: 'echo.localhost' }, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.write('part one, ');
      setTimeout(() => req.end('part two'), 20);
    });
    assert.equal(chunked, 'part one, part two');
  } finally {
    await router.close();
    await app.close();
  }
});

describe('balancing', () => {
  const upstreams: Upstream[] = [];
  let router: TestRouter;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  before(async () => {
    for (const name of ['v1', 'v2', 'e1', 'e2', 'e3']) upstreams.push(await startUpstream(name));
    const [v1, v2, e1, e2, e3] = upstreams as [Upstream, Upstream, Upstream, Upstream, Upstream];
    router = await startRouter({
      ...tableOf('canary', [[1, 80, [v1.port]], [2, 20, [v2.port]]]),
      ...tableOf('pinned', [[1, 100, [v1.port]], [2, 0, [v2.port]]]),
      ...tableOf('zero', [[1, 0, [v1.port]], [2, 0, []]]),
      ...tableOf('trio', [[5, 100, [e1.port, e2.port, e3.port]]]),
    });
  });
  after(async () => {
    agent.destroy();
    await router.close();
    for (const u of upstreams) await u.close();
  });

  async function tally(app: string, count: number): Promise<Map<string, number>> {
    const seen = new Map<string, number>();
    const batch = 20;
    for (let i = 0; i < count; i += batch) {
      const replies = await Promise.all(
        Array.from({ length: Math.min(batch, count - i) }, () => send(router.port, { host: `${app}.localhost`, agent })),
      );
      for (const r of replies) {
        assert.equal(r.status, 200);
        const key = `${r.body}@${r.headers['x-paas-release']}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
    }
    return seen;
  }

  test('80/20 weights split 500 requests 80/20', async () => {
    const seen = await tally('canary', 500);
    const first = seen.get('v1@v1') ?? 0;
    const second = seen.get('v2@v2') ?? 0;
    assert.equal(first + second, 500);
    assert.ok(Math.abs(first - 400) <= 25, `got ${first} on v1, want 400 ± 25`);
  });

  test('100/0 sends everything to the first release', async () => {
    const seen = await tally('pinned', 100);
    assert.deepEqual([...seen], [['v1@v1', 100]]);
  });

  test('weights summing to 0 fall back to any ready release', async () => {
    const seen = await tally('zero', 10);
    assert.deepEqual([...seen], [['v1@v1', 10]]);
  });

  test('round robin across 3 endpoints', async () => {
    const seen = await tally('trio', 90);
    assert.deepEqual([...seen].sort(), [['e1@v5', 30], ['e2@v5', 30], ['e3@v5', 30]]);
  });
});

describe('upstream failures', () => {
  let good: Upstream;
  let refused: number;
  let router: TestRouter;
  before(async () => {
    good = await startUpstream('good');
    refused = await closedPort();
    router = await startRouter({
      ...tableOf('pair', [[1, 100, [refused, good.port]]]),
      ...tableOf('dead', [[1, 100, [refused]]]),
      ...tableOf('fallback', [[1, 100, [refused]], [2, 0, [good.port]]]),
    });
  });
  after(async () => {
    await router.close();
    await good.close();
  });

  test('a GET refused by one endpoint is retried on another', async () => {
    const reply = await send(router.port, { host: 'pair.localhost' });
    assert.equal(reply.status, 200);
    assert.equal(reply.body, 'good');
    const metrics = await send(router.port, { host: 'localhost', path: '/metrics' });
    assert.match(metrics.body, /paas_router_upstream_errors_total\{app="pair",release="v1"\} 1/);
    assert.match(metrics.body, /paas_router_retries_total\{app="pair",release="v1"\} 1/);
    assert.ok(router.logs.some((l) => /refused the connection/.test(l)));
  });

  test('a retry may go to another ready release, which the header then names', async () => {
    const reply = await send(router.port, { host: 'fallback.localhost', method: 'DELETE' });
    assert.equal(reply.status, 200);
    assert.equal(reply.body, 'good');
    assert.equal(reply.headers['x-paas-release'], 'v2');
  });

  test('a POST is not retried: 502 naming the release', async () => {
    const hitsBefore = good.hits;
    const reply = await send(router.port, { host: 'fallback.localhost', method: 'POST', body: 'x=1' });
    assert.equal(reply.status, 502);
    assert.equal(reply.headers['x-paas-release'], 'v1');
    assert.match(reply.body, /did not answer/);
    assert.equal(good.hits, hitsBefore);
  });

  test('a 502 for a large upload leaves the client able to send its next request', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const body = Buffer.alloc(2 * 1024 * 1024, 'x');
      const failed = await send(router.port, { host: 'dead.localhost', method: 'POST', body, agent });
      assert.equal(failed.status, 502);
      const next = await send(router.port, { host: 'pair.localhost', agent });
      assert.equal(next.body, 'good');
    } finally {
      agent.destroy();
    }
  });

  test('with nowhere else to go a GET is a 502', async () => {
    const reply = await send(router.port, { host: 'dead.localhost' });
    assert.equal(reply.status, 502);
    assert.equal(reply.headers['x-paas-release'], 'v1');
  });
});

test('client aborts and upstream crashes mid-response do not hurt the router', async () => {
  let upstreamSawClose!: () => void;
  const closedUpstream = new Promise<void>((resolve) => (upstreamSawClose = resolve));
  let received!: () => void;
  const gotRequest = new Promise<void>((resolve) => (received = resolve));
  const app = await startUpstream('flaky', (req, res) => {
    if (req.url === '/hang') {
      res.on('close', () => upstreamSawClose());
      received();
      return;
    }
    if (req.url === '/crash') {
      res.writeHead(200, { 'Content-Length': '1000' });
      res.write('partial');
      setTimeout(() => req.socket.destroy(), 20);
      return;
    }
    res.end('fine');
  });
  const router = await startRouter(tableOf('flaky', [[1, 100, [app.port]]]));
  try {
    // The client gives up while the app is still thinking: the router cancels upstream.
    const aborted = http.request({ host: '127.0.0.1', port: router.port, path: '/hang', headers: { host: 'flaky.localhost' }, agent: false });
    aborted.on('error', () => {});
    aborted.end();
    await gotRequest;
    aborted.destroy();
    await closedUpstream;

    // The app dies halfway through its body: the client sees a cut response, not a hang.
    await assert.rejects(send(router.port, { host: 'flaky.localhost', path: '/crash' }));

    const after = await send(router.port, { host: 'flaky.localhost' });
    assert.equal(after.status, 200);
    assert.equal(after.body, 'fine');
  } finally {
    await router.close();
    await app.close();
  }
});

test('a new table applies to the next request while a slow one on the old release completes', async () => {
  let started!: () => void;
  const slowStarted = new Promise<void>((resolve) => (started = resolve));
  const old = await startUpstream('old', (req, res) => {
    if (req.url === '/slow') {
      started();
      setTimeout(() => res.end('old finished'), 300);
      return;
    }
    res.end('old');
  });
  const next = await startUpstream('new');
  const router = await startRouter(tableOf('roll', [[1, 100, [old.port]]]));
  try {
    const slow = send(router.port, { host: 'roll.localhost', path: '/slow' });
    await slowStarted;
    router.table.set(tableOf('roll', [[2, 100, [next.port]], [1, 0, [old.port]]]));

    const fresh = await send(router.port, { host: 'roll.localhost' });
    assert.equal(fresh.body, 'new');
    assert.equal(fresh.headers['x-paas-release'], 'v2');

    const finished = await slow;
    assert.equal(finished.status, 200);
    assert.equal(finished.body, 'old finished');
    assert.equal(finished.headers['x-paas-release'], 'v1');
  } finally {
    await router.close();
    await old.close();
    await next.close();
  }
});

test('before its first route table the router answers 503 "try again", not 404, then routes normally', async () => {
  const app = await startUpstream('early', (_req, res) => res.end('up'));
  let known = false;
  const router = await startRouter({}, { ready: () => known });
  try {
    const early = await send(router.port, { host: 'early.localhost' });
    assert.equal(early.status, 503);
    assert.equal(early.headers['retry-after'], '1');
    assert.match(early.body, /does not know its routes yet/);
    router.table.set(tableOf('early', [[1, 100, [app.port]]]));
    known = true;
    assert.equal((await send(router.port, { host: 'early.localhost' })).body, 'up');
    assert.equal((await send(router.port, { host: 'nope.localhost' })).status, 404);
  } finally {
    await router.close();
    await app.close();
  }
});
