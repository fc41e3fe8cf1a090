import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Release, RollbackResult } from '../api-types.js';
import { CliError } from '../errors.js';
import { parseReleaseVersion, releaseInfo, releasesTable, rollbackMessage, trafficLabel } from './releases.js';

function release(version: number, fields: Partial<Release> = {}): Release {
  return {
    version, description: `Deploy abc123${version}`, status: 'succeeded', createdBy: 'ann@example.com',
    createdAt: `2026-01-0${version}T10:00:00.000Z`, image: `registry/hello:v${version}`, digest: null, buildId: null,
    processTypes: ['web'], runsOn: version, traffic: 0, warm: false, error: null, ranReleasePhase: false, ...fields,
  };
}

test('release versions are accepted as vN or N, anything else is a usage error', () => {
  assert.equal(parseReleaseVersion('v3'), 3);
  assert.equal(parseReleaseVersion('3'), 3);
  assert.equal(parseReleaseVersion('V12'), 12);
  for (const bad of ['v0', '0', 'three', 'v-1', '', 'v3.1', '1e3']) {
    assert.throws(() => parseReleaseVersion(bad), (err: CliError) => err.code === 'USAGE' && /is not a release version/.test(err.message), bad);
  }
});

test('traffic shows the share, "warm" for a release the server reports warm, else nothing', () => {
  assert.equal(trafficLabel(release(3, { traffic: 100 })), '100%');
  assert.equal(trafficLabel(release(2, { warm: true })), 'warm');
  assert.equal(trafficLabel(release(2)), '');
});

test('the releases table lists version, description, who, when, status and traffic', () => {
  const text = releasesTable([
    release(3, { description: 'Rollback to v1', runsOn: 1, traffic: 100 }),
    release(2, { description: 'Set LOG_LEVEL', warm: true }),
    release(1, { description: 'Deploy 1a2b3c4', createdBy: 'bob@example.com', warm: true }),
  ]);
  assert.equal(text, [
    'Version  Description     By               Created               Status     Traffic',
    '───────  ──────────────  ───────────────  ────────────────────  ─────────  ───────',
    'v3       Rollback to v1  ann@example.com  2026-01-03 10:00 UTC  succeeded  100%',
    'v2       Set LOG_LEVEL   ann@example.com  2026-01-02 10:00 UTC  succeeded  warm',
    'v1       Deploy 1a2b3c4  bob@example.com  2026-01-01 10:00 UTC  succeeded  warm',
    '',
  ].join('\n'));
});

test('releases:info shows what a release runs, config keys but never values', () => {
  const text = releaseInfo('hello', release(4, { runsOn: 2, traffic: 100, configKeys: ['A', 'B'], ranReleasePhase: true, error: null }));
  assert.match(text, /^=== hello v4\n/);
  assert.match(text, /\nTraffic: +100%\n/);
  assert.match(text, /\nRuns on: +v2's instances \(warm rollback\)\n/);
  assert.match(text, /\nConfig vars: +A, B\n/);
  assert.match(text, /\nRelease phase: +ran/);
  assert.match(releaseInfo('hello', release(1, { status: 'failed', error: 'never got ready' })), /\nError: +never got ready\n[\s\S]*\nTraffic: +0%\n/);
});

function rollbackResult(fields: Partial<RollbackResult> = {}): RollbackResult {
  return { release: release(3, { runsOn: 1, traffic: 100 }), target: 1, previous: 2, warm: true, warnings: [], durationMs: 7.24, ...fields };
}

test('a warm rollback says traffic moved, how fast, and how to undo it', () => {
  assert.deepEqual(rollbackMessage('hello', rollbackResult()), {
    done: 'Rolled back hello to v1 as v3 (traffic moved to warm instances in 7 ms)',
    warnings: [],
    undo: 'To undo: paas releases:rollback v2 -a hello',
  });
});

test('a cold rollback says it started the image; warnings are kept, one "Warning:" line each', () => {
  const message = rollbackMessage('hello', rollbackResult({
    warm: false,
    durationMs: 2345,
    warnings: ['v2 ran a release phase; its data changes (e.g. migrations) are not rolled back'],
  }));
  assert.equal(message.done, "Rolled back hello to v1 as v3 (started v1's image in 2.3 s)");
  assert.deepEqual(message.warnings, ['Warning: v2 ran a release phase; its data changes (e.g. migrations) are not rolled back']);
  assert.equal(message.undo, 'To undo: paas releases:rollback v2 -a hello');
});
