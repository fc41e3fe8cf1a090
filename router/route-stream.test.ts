import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeRouteEvent, parseRouteEvent, RouteLineSplitter } from './route-stream.js';
import { tableOf } from './proxy-fixtures.js';

test('snapshots and heartbeats round-trip through lines split anywhere', () => {
  const events = [
    { type: 'snapshot' as const, revision: 1, routes: tableOf('web', [[1, 100, [5001]]]) },
    { type: 'heartbeat' as const },
    { type: 'snapshot' as const, revision: 2, routes: {} },
  ];
  const wire = events.map(encodeRouteEvent).join('');
  const splitter = new RouteLineSplitter();
  const lines: string[] = [];
  for (let i = 0; i < wire.length; i += 7) lines.push(...splitter.push(wire.slice(i, i + 7)));
  assert.deepEqual(lines.map(parseRouteEvent), events);
});

test('unknown event types are skipped; malformed snapshots say what is wrong', () => {
  assert.equal(parseRouteEvent('{"type":"mirror-rules","rules":[]}'), undefined);
  assert.throws(() => parseRouteEvent('{"type":"snapshot"'), /not JSON/);
  assert.throws(
    () => parseRouteEvent('{"type":"snapshot","revision":1,"routes":{"web":{"app":"web","releases":[{"release":1,"weight":100,"endpoints":[{"id":"a","host":"h","port":0}]}]}}}'),
    /web\.releases\.0\.endpoints\.0\.port/,
  );
});
