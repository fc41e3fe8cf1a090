import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBasicCredentials } from './basic-credentials.js';
import { PushLocks } from './push-locks.js';
import { repoGitdir } from './repo-paths.js';

test('Basic credentials: user name and token, colons allowed in the token', () => {
  const header = `Basic ${Buffer.from('anyone:tok:en').toString('base64')}`;
  assert.deepEqual(parseBasicCredentials(header), { username: 'anyone', password: 'tok:en' });
  assert.equal(parseBasicCredentials(undefined), undefined);
  assert.equal(parseBasicCredentials('Bearer abc'), undefined);
  assert.equal(parseBasicCredentials(`Basic ${Buffer.from('no-colon').toString('base64')}`), undefined);
});

test('push locks: one holder per app, released once', () => {
  const locks = new PushLocks();
  const release = locks.tryAcquire('web');
  assert.ok(release);
  assert.equal(locks.tryAcquire('web'), undefined);
  assert.ok(locks.tryAcquire('api'), 'other apps are independent');
  release();
  release();
  assert.ok(locks.tryAcquire('web'));
});

test('repository paths never leave reposDir', () => {
  assert.equal(repoGitdir('/srv/repos', 'web'), '/srv/repos/web.git');
  for (const app of ['../x', '../../etc', 'a/b', '/etc/passwd']) assert.throws(() => repoGitdir('/srv/repos', app), /Invalid repository path/, app);
});
