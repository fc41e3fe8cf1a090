import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandFlags, parseFlags } from './args.js';
import type { Command, FlagSpec } from './context.js';
import { CliError } from './errors.js';

const SPECS: FlagSpec[] = [
  { name: 'app', short: 'a', type: 'string', description: '' },
  { name: 'confirm', type: 'string', description: '' },
  { name: 'json', type: 'boolean', description: '' },
  { name: 'help', short: 'h', type: 'boolean', description: '' },
];

test('long, short, inline and separate flag values', () => {
  assert.deepEqual(parseFlags(['--app', 'web', 'X=1'], SPECS, 'x'), { flags: { app: 'web' }, positionals: ['X=1'] });
  assert.deepEqual(parseFlags(['--app=web'], SPECS, 'x').flags, { app: 'web' });
  assert.deepEqual(parseFlags(['-a', 'web'], SPECS, 'x').flags, { app: 'web' });
  assert.deepEqual(parseFlags(['-aweb'], SPECS, 'x').flags, { app: 'web' });
  assert.deepEqual(parseFlags(['-a=web', '--json'], SPECS, 'x').flags, { app: 'web', json: true });
});

test('flags may come before or after positionals; -- ends flags', () => {
  const parsed = parseFlags(['A=1', '--json', 'B=2', '--', '--app', '-x'], SPECS, 'x');
  assert.deepEqual(parsed, { flags: { json: true }, positionals: ['A=1', 'B=2', '--app', '-x'] });
});

test('positionals are kept byte-exact, including = quotes $() and newlines', () => {
  const weird = `K=a=b "c" 'd' $(rm -rf /) \`x\`\nline2`;
  assert.deepEqual(parseFlags([weird, '-'], SPECS, 'x').positionals, [weird, '-']);
});

test('a string flag value may start with "-" unless it is one of our flags', () => {
  assert.deepEqual(parseFlags(['--confirm', '-weird'], SPECS, 'x').flags, { confirm: '-weird' });
  assert.throws(() => parseFlags(['--app', '--json'], SPECS, 'x'), (err: CliError) => err.code === 'USAGE' && /needs a value/.test(err.message));
  assert.throws(() => parseFlags(['--app'], SPECS, 'x'), /--app needs a value: --app VALUE/);
});

test('unknown flags are usage errors that suggest the flag meant', () => {
  assert.throws(() => parseFlags(['--jsn'], SPECS, 'apps'), (err: CliError) =>
    err.exitCode === 2 && err.message === 'Unknown flag --jsn for paas apps' && /Did you mean --json\?/.test(err.hint ?? ''));
  assert.throws(() => parseFlags(['-z'], SPECS, 'apps'), /Unknown flag -z for paas apps/);
  assert.throws(() => parseFlags(['--json=yes'], SPECS, 'apps'), /--json takes no value/);
});

test('commandFlags adds the shared flags a command opted into', () => {
  const command: Command = { name: 'c', summary: '', appScoped: true, json: true, flags: [{ name: 'shell', type: 'boolean', description: '' }], run: async () => {} };
  assert.deepEqual(commandFlags(command).map((f) => f.name), ['app', 'remote', 'shell', 'json', 'help']);
  assert.deepEqual(commandFlags({ name: 'd', summary: '', run: async () => {} }).map((f) => f.name), ['help']);
});
