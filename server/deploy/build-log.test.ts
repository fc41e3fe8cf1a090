import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Store } from '../store/store.js';
import { BuildLog } from './build-log.js';

test('build log lines reach the pusher at once, without colour codes, and are stored in batches', async () => {
  const stored: string[] = [];
  const store = { appendBuildLog: async (_id: string, lines: string[]) => void stored.push(...lines) } as unknown as Store;
  const shown: string[] = [];
  const log = new BuildLog(store, 'b1', (line) => shown.push(line));
  log.header('Building');
  log.line('\x1b[91mnpm WARN\x1b[0m deprecated thing\n');
  assert.deepEqual(shown, ['-----> Building', 'npm WARN deprecated thing']);
  assert.deepEqual(stored, [], 'stored in batches, not per line');
  await log.flush();
  assert.deepEqual(stored, shown);
});
