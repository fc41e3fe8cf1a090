import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { LineSplitter, messageError, readJsonMessages, type JsonMessage } from './docker-stream.js';

test('JSON messages split across and packed into chunks arrive one by one', async () => {
  const chunks = ['{"stream":"Step 1/2 : FROM x\\n"}\n{"str', 'eam":" ---> abc\\n"}\r\n', '{"aux":{"ID":"sha256:1"}}\n{"errorDetail":{"message":"boom"},"error":"boom"}'];
  const seen: JsonMessage[] = [];
  await readJsonMessages(Readable.from(chunks.map((c) => Buffer.from(c))), (m) => seen.push(m));
  assert.deepEqual(seen.map((m) => m.stream ?? m.aux?.ID ?? messageError(m)), ['Step 1/2 : FROM x\n', ' ---> abc\n', 'sha256:1', 'boom']);
});

test('a line that is not JSON is kept as output', async () => {
  const seen: JsonMessage[] = [];
  await readJsonMessages(Readable.from([Buffer.from('oops not json\n')]), (m) => seen.push(m));
  assert.deepEqual(seen, [{ stream: 'oops not json\n' }]);
});

test('output text becomes lines: LF, CRLF (even split between chunks), bare CR progress updates, a final partial line', () => {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line));
  for (const chunk of ['one\ntw', 'o\r', '\nthree 10%\rthree 100%\n', 'last']) splitter.push(chunk);
  splitter.flush();
  assert.deepEqual(lines, ['one', 'two', 'three 10%', 'three 100%', 'last']);
});
