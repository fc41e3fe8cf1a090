import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliError } from '../errors.js';
import { parseAssignments } from './config.js';

test('config:set splits on the first "=" and keeps values byte-exact', () => {
  const tricky = `a=b=c "quoted" 'single' $(whoami) \`id\` \\ \n second line\ttab ünïcødé`;
  assert.deepEqual(parseAssignments([`SECRET=${tricky}`, 'EMPTY=', 'URL=postgres://u:p@db/app?ssl=true']), {
    SECRET: tricky,
    EMPTY: '',
    URL: 'postgres://u:p@db/app?ssl=true',
  });
});

test('a repeated key keeps its last value; "__proto__" stays a plain key', () => {
  assert.deepEqual(parseAssignments(['A=1', 'A=2']), { A: '2' });
  const vars = parseAssignments(['__proto__=x']);
  assert.equal(Object.getPrototypeOf(vars), Object.prototype);
  assert.equal(JSON.stringify(vars), '{"__proto__":"x"}');
});

test('arguments without KEY= are usage errors', () => {
  for (const bad of ['NOVALUE', '=value', '']) {
    assert.throws(() => parseAssignments([bad]), (err: CliError) => err.code === 'USAGE' && /Expected KEY=value/.test(err.message), bad);
  }
});
