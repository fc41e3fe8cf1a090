import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Instance } from '../api-types.js';
import { CliError } from '../errors.js';
import { formatFormation, parseScaleArgs, psView } from './ps.js';

test('ps:scale takes TYPE=COUNT arguments', () => {
  assert.deepEqual(parseScaleArgs(['web=3', 'worker=0']), { web: 3, worker: 0 });
  assert.deepEqual(parseScaleArgs(['web=2', 'web=2']), { web: 2 }, 'the same value twice is harmless');
});

test('ps:scale refuses counts that are not whole numbers, naming the argument', () => {
  const usage = (pattern: RegExp) => (err: CliError) => err.code === 'USAGE' && err.exitCode === 2 && pattern.test(err.message) && /ps:scale web=2/.test(err.hint ?? '');
  assert.throws(() => parseScaleArgs(['web=abc']), usage(/^Invalid count "abc" for web: want a whole number/));
  for (const bad of ['web=-1', 'web=1.5', 'web=', 'web= 2', 'web=0x10', 'web=1e3']) {
    assert.throws(() => parseScaleArgs([bad]), usage(/^Invalid count/), bad);
  }
  assert.throws(() => parseScaleArgs(['web']), usage(/^Expected TYPE=COUNT, got "web"/));
  assert.throws(() => parseScaleArgs(['=2']), usage(/^Expected TYPE=COUNT/));
  assert.throws(() => parseScaleArgs(['web=1', 'web=2']), /web is given twice \(web=1 and web=2\)/);
});

test('the formation prints web first, then by name', () => {
  assert.equal(formatFormation({ worker: 1, clock: 0, web: 3 }), 'web=3 clock=0 worker=1');
  assert.equal(formatFormation({}), '');
});

test('ps groups instances by process type, web first, and marks warm ones', () => {
  const instance = (fields: Partial<Instance>): Instance => ({
    name: 'web.1', process: 'web', release: 3, state: 'running', serving: true, startedAt: null, uptimeSeconds: 7500, restarts: 0, ...fields,
  });
  const text = psView([
    instance({ name: 'worker.1', process: 'worker', uptimeSeconds: 42 }),
    instance({}),
    instance({ name: 'web.2', state: 'starting', uptimeSeconds: null, restarts: 2 }),
    instance({ release: 2, serving: false, uptimeSeconds: 90_061 }),
  ]);
  assert.equal(text, [
    '=== web (3)',
    'Name   Release    State     Uptime  Restarts',
    '─────  ─────────  ────────  ──────  ────────',
    'web.1  v3         running   2h 5m   0',
    'web.2  v3         starting          2',
    'web.1  v2 (warm)  running   1d 1h   0',
    '',
    '=== worker (1)',
    'Name      Release  State    Uptime  Restarts',
    '────────  ───────  ───────  ──────  ────────',
    'worker.1  v3       running  42s     0',
    '',
  ].join('\n'));
});
