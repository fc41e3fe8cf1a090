import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PaasError } from '../server/errors.js';
import { parseProcfile, readProcfile } from './procfile.js';

test('a Procfile with comments, blank lines and CRLF gives its process types', () => {
  const text = '# processes\r\nweb: node web.js --port $PORT\r\n\r\nworker:   node worker.js  \nclock:node clock.js\n';
  assert.deepEqual(readProcfile(text), {
    web: 'node web.js --port $PORT',
    worker: 'node worker.js',
    clock: 'node clock.js',
  });
});

test('a command may contain colons', () => {
  assert.deepEqual(readProcfile('web: node server.js --listen http://0.0.0.0:$PORT'), { web: 'node server.js --listen http://0.0.0.0:$PORT' });
});

const invalid: Array<[string, string, string]> = [
  ['no colon', 'web node server.js', 'Procfile:1: "web node server.js" is not "type: command"'],
  ['empty type', ': node x.js', 'Procfile:1: ": node x.js" is not "type: command"'],
  ['uppercase type', 'Web: node x.js', 'Procfile:1: process type "Web" must start with a lowercase letter'],
  ['underscore (not a DNS label)', 'web_2: node x.js', 'Procfile:1: process type "web_2" must start with a lowercase letter'],
  ['starts with a digit', '1web: node x.js', 'process type "1web" must start'],
  ['too long', `${'a'.repeat(21)}: node x.js`, 'must be at most 20 characters, got 21'],
  ['no command', 'web:   ', 'Procfile:1: process type "web" has no command'],
  ['defined twice', 'web: a\nweb: b', 'Procfile:2: process type "web" is defined twice'],
];
for (const [name, text, want] of invalid) {
  test(`Procfile problem: ${name}`, () => {
    assert.throws(() => readProcfile(text), (err: unknown) => {
      assert.ok(err instanceof PaasError);
      assert.equal(err.code, 'BUILD_FAILED');
      assert.ok(err.message.includes(want), `${err.message}\nwant: ${want}`);
      return true;
    });
  });
}

test('every problem is reported at once, with its line', () => {
  const { problems } = parseProcfile('web: ok\nBad: x\n\nworker\n');
  assert.deepEqual(problems.map((p) => p.path), ['Procfile:2', 'Procfile:4']);
});

test('a Procfile with only comments is refused with the next step', () => {
  assert.throws(() => readProcfile('# nothing\n\n'), (err: unknown) => {
    assert.ok(err instanceof PaasError);
    assert.match(err.message, /defines no process types/);
    assert.match(err.hint ?? '', /web: node server\.js/);
    return true;
  });
});
