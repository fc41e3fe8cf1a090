import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PaasError } from '../errors.js';
import { isDelete, MAX_COMMANDS, parseReceivePackRequest } from './receive-pack-request.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const ZERO = '0'.repeat(40);
const lines = (...texts: string[]) => texts.map((text) => Buffer.from(text, 'utf8'));

test('reads commands and the capabilities after the first NUL', () => {
  const request = parseReceivePackRequest(lines(`${A} ${B} refs/heads/main\0 report-status side-band-64k agent=git/2.39\n`, `${ZERO} ${B} refs/tags/v1\n`, `${B} ${ZERO} refs/heads/old`));
  assert.deepEqual(request.commands, [
    { oldOid: A, newOid: B, ref: 'refs/heads/main' },
    { oldOid: ZERO, newOid: B, ref: 'refs/tags/v1' },
    { oldOid: B, newOid: ZERO, ref: 'refs/heads/old' },
  ]);
  assert.deepEqual([...request.capabilities], ['report-status', 'side-band-64k', 'agent=git/2.39']);
  assert.equal(isDelete(request.commands[2]!), true);
  assert.deepEqual(request.shallow, []);
});

test('collects shallow lines sent by shallow clones', () => {
  const request = parseReceivePackRequest(lines(`shallow ${A}\n`, `${ZERO} ${B} refs/heads/main\0report-status\n`));
  assert.deepEqual(request.shallow, [A]);
  assert.equal(request.commands.length, 1);
});

test('malformed commands are BAD_REQUEST', () => {
  const cases = [
    `${A} ${B}\n`,
    `${A.toUpperCase()} ${B} refs/heads/main\n`,
    `${A} ${B} refs/heads/main extra\n`,
    `${A.slice(1)} ${B} refs/heads/main\n`,
    'push-cert\0report-status\n',
    'shallow nope\n',
  ];
  for (const line of cases) {
    assert.throws(() => parseReceivePackRequest(lines(line)), (err: unknown) => err instanceof PaasError && err.code === 'BAD_REQUEST', line);
  }
});

test('bounds the number of commands', () => {
  const many = Array.from({ length: MAX_COMMANDS + 1 }, (_, i) => `${ZERO} ${B} refs/heads/b${i}\n`);
  assert.throws(() => parseReceivePackRequest(lines(...many)), /more than 1000 ref updates/);
});
