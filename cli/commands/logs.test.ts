import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FetchFn } from '../api-client.js';
import type { Output } from '../context.js';
import { runCli } from '../run.js';
import { parseLineCount } from './logs.js';

/** A server response whose body the test writes chunk by chunk; fetch's signal errors it as real fetch does. */
function streamingFetch(status = 200, errorBody?: string) {
  const requests: { url: string; signal: AbortSignal | undefined }[] = [];
  let push: (text: string) => void = () => assert.fail('no request yet');
  let end: () => void = () => undefined;
  const fetch: FetchFn = async (input, init) => {
    const signal = init?.signal ?? undefined;
    requests.push({ url: String(input), signal });
    if (errorBody !== undefined) return new Response(errorBody, { status, headers: { 'content-type': 'application/json' } });
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        push = (text) => controller.enqueue(new TextEncoder().encode(text));
        end = () => controller.close();
        signal?.addEventListener('abort', () => controller.error(new DOMException('This operation was aborted', 'AbortError')));
      },
    });
    return new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  };
  return { fetch, requests, push: (t: string) => push(t), pushBytes: (b: Uint8Array) => push(new TextDecoder().decode(b)), end: () => end() };
}

function memoryOutput(): Output & { text(): string } {
  let text = '';
  return { write: (t) => void (text += t), line: (t = '') => void (text += `${t}\n`), text: () => text };
}

async function run(argv: string[], fetch: FetchFn, onInterrupt?: (h: () => void) => () => void) {
  const scratch = await fs.mkdtemp(join(tmpdir(), 'paas-cli-logs-'));
  const stdout = memoryOutput();
  const stderr = memoryOutput();
  const done = runCli({
    argv,
    env: { PAAS_CONFIG_DIR: scratch, PAAS_API_URL: 'http://paas.test', PAAS_TOKEN: 'paas_t_secret' },
    cwd: scratch,
    homedir: scratch,
    fetch,
    fs,
    git: async () => ({ code: 128, stdout: '', stderr: 'not a git repository' }),
    stdout,
    stderr,
    input: { isTTY: false, readAll: async () => '', ask: async () => '' },
    self: { node: process.execPath, script: '/nonexistent/paas.js' },
    ...(onInterrupt ? { onInterrupt } : {}),
  }).finally(() => fs.rm(scratch, { recursive: true, force: true }));
  return { done, stdout, stderr };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(check(), 'condition not reached');
}

test('logs --tail writes chunks as they arrive and ends cleanly on Ctrl-C', async () => {
  const server = streamingFetch();
  const handlers = new Set<() => void>();
  const cli = await run(['logs', '--tail', '-n', '0', '-p', 'web', '-a', 'hello'], server.fetch, (h) => {
    handlers.add(h);
    return () => void handlers.delete(h);
  });
  await until(() => server.requests.length === 1);
  assert.equal(server.requests[0]!.url, 'http://paas.test/v1/apps/hello/logs?lines=0&tail=1&process=web');
  server.push('2026-01-01T00:00:00.000Z app[web.1]: one\n');
  await until(() => cli.stdout.text().includes('one'));
  // An emoji split across two chunks comes out whole.
  const bytes = new TextEncoder().encode('2026-01-01T00:00:01.000Z app[web.1]: 🚀\n');
  server.pushBytes(bytes.subarray(0, 40));
  server.push(new TextDecoder().decode(bytes.subarray(40)));
  await until(() => cli.stdout.text().includes('\n2026-01-01T00:00:01'));
  assert.equal(handlers.size, 1, 'Ctrl-C is caught while streaming');
  for (const h of handlers) h();
  assert.equal(await cli.done, 0);
  assert.equal(server.requests[0]!.signal?.aborted, true, 'the request is aborted, so the server stops following');
  assert.equal(handlers.size, 0, 'a second Ctrl-C is the default again');
  assert.equal(cli.stderr.text(), '');
  assert.match(cli.stdout.text(), /app\[web\.1\]: one\n.*app\[web\.1\]: /);
});

test('logs without --tail ends with the response and leaves Ctrl-C alone', async () => {
  const server = streamingFetch();
  let registered = 0;
  const cli = await run(['logs', '-a', 'hello'], server.fetch, () => {
    registered++;
    return () => undefined;
  });
  await until(() => server.requests.length === 1);
  assert.equal(server.requests[0]!.url, 'http://paas.test/v1/apps/hello/logs?lines=100');
  server.push('a line\n');
  server.end();
  assert.equal(await cli.done, 0);
  assert.equal(cli.stdout.text(), 'a line\n');
  assert.equal(registered, 0);
});

test('a refused log request prints the server message and hint', async () => {
  const server = streamingFetch(404, JSON.stringify({ code: 'APP_NOT_FOUND', message: 'No app named hello', hint: 'See your apps with "paas apps".' }));
  const cli = await run(['logs', '--tail', '-a', 'hello'], server.fetch, () => () => undefined);
  assert.equal(await cli.done, 1);
  assert.equal(cli.stderr.text(), 'Error: No app named hello\nHint: See your apps with "paas apps".\n');
});

test('-n takes a whole number of lines', () => {
  assert.equal(parseLineCount(undefined), 100);
  assert.equal(parseLineCount('0'), 0);
  assert.equal(parseLineCount('500'), 500);
  for (const bad of ['abc', '-1', '1.5', '']) assert.throws(() => parseLineCount(bad), /Invalid number of lines/, bad);
});
