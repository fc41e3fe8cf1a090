import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { parseDuration } from './duration.js';
import { formatDate, keyValues, listSentence, printable, shellAssignment, shellQuote, table } from './format.js';
import { closest } from '../server/domain/suggest.js';

test('table aligns columns under a rule and escapes control characters', () => {
  const text = table([{ a: 'web', b: 'x' }, { a: 'a-much-longer-name', b: 'evil\u001b[2Jdesc\nnext' }], [
    { header: 'Name', value: (r) => r.a },
    { header: 'Description', value: (r) => r.b },
  ]);
  const escaped = 'evil\\x1b[2Jdesc\\nnext';
  assert.equal(text, [
    `${'Name'.padEnd(18)}  Description`,
    `${'─'.repeat(18)}  ${'─'.repeat(escaped.length)}`,
    `${'web'.padEnd(18)}  x`,
    `a-much-longer-name  ${escaped}`,
    '',
  ].join('\n'));
});

test('keyValues aligns values and indents continuation lines', () => {
  assert.equal(keyValues([['A', '1'], ['LONG_KEY', 'two\nlines']]), 'A:        1\nLONG_KEY: two\n          lines\n');
  assert.equal(keyValues([]), '');
});

test('shell quoting survives a real shell byte for byte', () => {
  const values = ['plain', '', "it's", 'a b', '$(echo no)', '`echo no`', 'x=y', 'line1\nline2', '"\\$HOME"', 'tab\there'];
  for (const value of values) {
    const printed = execFileSync('sh', ['-c', `printf %s ${shellQuote(value)}`], { encoding: 'utf8' });
    assert.equal(printed, value);
    const assigned = execFileSync('sh', ['-c', `${shellAssignment('V', value)}; printf %s "$V"`], { encoding: 'utf8' });
    assert.equal(assigned, value);
  }
  assert.equal(shellQuote('simple-value_1.0'), 'simple-value_1.0');
  assert.equal(shellAssignment('K', "it's"), `K='it'\\''s'`);
});

test('dates, lists and printable text', () => {
  assert.equal(formatDate('2025-11-23T19:46:12.345Z'), '2025-11-23 19:46 UTC');
  assert.equal(formatDate(null, 'never'), 'never');
  assert.equal(listSentence(['A']), 'A');
  assert.equal(listSentence(['A', 'B', 'C']), 'A, B and C');
  assert.equal(printable('ok\u0007\u009b'), 'ok\\x07\\x9b');
});

test('durations with units become seconds; bare numbers are refused', () => {
  assert.equal(parseDuration('30d'), 30 * 86_400);
  assert.equal(parseDuration('1w2d'), 9 * 86_400);
  assert.equal(parseDuration('90s'), 90);
  assert.equal(parseDuration('12H'), 12 * 3600);
  for (const bad of ['30', '0d', 'd', '1.5h', '-1d', '']) {
    assert.throws(() => parseDuration(bad), (err: Error & { hint?: string }) => /--expires-in 30d/.test(err.hint ?? ''), bad);
  }
});

test('closest suggests plausible typos only', () => {
  const names = ['apps', 'apps:create', 'config', 'config:set', 'login'];
  assert.equal(closest('aps', names), 'apps');
  assert.equal(closest('config:st', names), 'config:set');
  assert.equal(closest('conf', names), 'config');
  assert.equal(closest('deploy', names), undefined);
});
