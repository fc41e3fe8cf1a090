import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planPush, staleReason } from './push-policy.js';
import { refNameProblem } from './ref-names.js';
import type { RefCommand } from './receive-pack-request.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const ZERO = '0'.repeat(40);
const cmd = (ref: string, newOid = B, oldOid = ZERO): RefCommand => ({ oldOid, newOid, ref });
const plan = (commands: RefCommand[], shallow: string[] = []) => planPush({ commands, capabilities: new Set(), shallow });

test('which ref updates deploy and why the others are refused', () => {
  const table: Array<[RefCommand, string | undefined]> = [
    [cmd('refs/heads/main'), undefined],
    [cmd('refs/heads/master'), undefined],
    [cmd('refs/heads/feature/x'), 'only main deploys: git push paas feature/x:main'],
    [cmd('refs/tags/v1'), 'tags are not deployed; only main deploys: git push paas HEAD:main'],
    [cmd('refs/notes/commits'), 'only main deploys: git push paas HEAD:main'],
    [cmd('refs/heads/main', ZERO, A), 'deleting main is not allowed: it is what the app runs'],
    [cmd('refs/heads/feature', ZERO, A), 'deleting refs is not allowed; only main deploys: git push paas HEAD:main'],
    [cmd('refs/heads/a..b'), 'invalid ref name: contains ".."'],
    [cmd('refs/heads/-rf'), 'invalid ref name: has a component starting with "-"'],
  ];
  for (const [command, want] of table) {
    const result = plan([command]);
    assert.equal(result.refused.get(command), want, command.ref);
    assert.equal(result.deploy, want === undefined ? command : undefined, command.ref);
  }
});

test('main and master in one push: the first deploys, the second is refused', () => {
  const main = cmd('refs/heads/main');
  const master = cmd('refs/heads/master');
  const again = cmd('refs/heads/main', A);
  const result = plan([main, master, again]);
  assert.equal(result.deploy, main);
  assert.equal(result.refused.get(main), undefined);
  assert.equal(result.refused.get(master), 'push main or master, not both');
  assert.equal(result.refused.get(again), 'push main or master, not both');
});

test('nothing deploys from a shallow clone', () => {
  const result = plan([cmd('refs/heads/main')], [A]);
  assert.equal(result.deploy, undefined);
  assert.match([...result.refused.values()][0] ?? '', /shallow clone/);
});

test('stale: the client must have seen the main we have now', () => {
  assert.equal(staleReason(cmd('refs/heads/main', B, ZERO), undefined), undefined);
  assert.equal(staleReason(cmd('refs/heads/main', B, A), A), undefined);
  assert.equal(staleReason(cmd('refs/heads/main', B, ZERO), A), 'stale info: main is now at aaaaaaa since you fetched; push again');
  assert.equal(staleReason(cmd('refs/heads/main', B, A), undefined), 'stale info: main does not exist any more since you fetched; push again');
  // master is not advertised, so its zero old id carries no expectation.
  assert.equal(staleReason(cmd('refs/heads/master', B, ZERO), A), undefined);
});

test('ref names follow git check-ref-format', () => {
  const valid = ['refs/heads/main', 'refs/heads/feature/x-1', 'refs/tags/v1.2.3', 'refs/heads/ünïcode'];
  for (const name of valid) assert.equal(refNameProblem(name), undefined, name);
  const invalid = ['', 'main', 'refs/heads/', 'refs//heads', 'refs/heads/.hidden', 'refs/heads/x.lock', 'refs/heads/x.', 'refs/heads/a b',
    'refs/heads/a~1', 'refs/heads/a^', 'refs/heads/a:b', 'refs/heads/a?', 'refs/heads/a*', 'refs/heads/a[', 'refs/heads/a\\b',
    'refs/heads/a@{1}', 'refs/heads/\x01', 'refs/heads/\x7f', `refs/heads/${'x'.repeat(1100)}`];
  for (const name of invalid) assert.notEqual(refNameProblem(name), undefined, JSON.stringify(name));
});
