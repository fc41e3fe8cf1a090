import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Build } from '../api-types.js';
import type { ApiClient } from '../api-client.js';
import { buildInfo, buildsTable, resolveBuildId } from './builds.js';

const ID = '1a2b3c4d-0000-4000-8000-000000000001';

function build(fields: Partial<Build> = {}): Build {
  return {
    id: ID, commit: 'abcdef0123456789abcdef0123456789abcdef01', status: 'succeeded', stack: 'node', image: 'hello:v1', digest: null,
    processTypes: ['web'], error: null, createdBy: 'ann@example.com', createdAt: '2026-01-01T10:00:00.000Z',
    finishedAt: '2026-01-01T10:00:01.234Z', durationMs: 1234, ...fields,
  };
}

test('the builds table shows short ids and commits, status and duration', () => {
  const text = buildsTable([build(), build({ id: 'ffff0000-0000-4000-8000-000000000002', status: 'building', finishedAt: null, durationMs: null })]);
  assert.equal(text, [
    'ID        Commit   Status     Duration  By               Created',
    '────────  ───────  ─────────  ────────  ───────────────  ────────────────────',
    '1a2b3c4d  abcdef0  succeeded  1.2 s     ann@example.com  2026-01-01 10:00 UTC',
    'ffff0000  abcdef0  building             ann@example.com  2026-01-01 10:00 UTC',
    '',
  ].join('\n'));
});

test('builds:info shows the build, its error and its log lines', () => {
  const text = buildInfo('hello', { ...build({ status: 'failed', error: 'npm install failed' }), log: ['Step 1/3', 'npm ERR! 404'] });
  assert.match(text, /^=== hello build 1a2b3c4d\n/);
  assert.match(text, /\nError: +npm install failed\n/);
  assert.match(text, /\n=== Log\nStep 1\/3\nnpm ERR! 404\n$/);
  assert.match(buildInfo('hello', { ...build(), log: [] }), /=== Log\n\(no log lines\)\n$/);
});

test('builds:info takes a unique prefix of a recent build id', async () => {
  const api = { listBuilds: async () => [build(), build({ id: '1a2bffff-0000-4000-8000-000000000003' })] } as unknown as ApiClient;
  assert.equal(await resolveBuildId(api, 'hello', ID), ID, 'a full id is used as is');
  assert.equal(await resolveBuildId(api, 'hello', '1a2b3c4d'), ID);
  await assert.rejects(resolveBuildId(api, 'hello', '1a2b'), /More than one build id starts with 1a2b: 1a2b3c4d, 1a2bffff/);
  await assert.rejects(resolveBuildId(api, 'hello', 'beef'), /hello has no recent build with an id starting beef/);
  await assert.rejects(resolveBuildId(api, 'hello', '../x'), /is not a build id/);
});
