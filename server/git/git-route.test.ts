import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchGitRoute } from './git-route.js';

test('the three smart-HTTP endpoints, with the action each needs', () => {
  assert.deepEqual(matchGitRoute('GET', '/my-app.git/info/refs', 'git-receive-pack'), { kind: 'advertise', app: 'my-app', service: 'git-receive-pack', action: 'push' });
  assert.deepEqual(matchGitRoute('GET', '/my-app.git/info/refs', 'git-upload-pack'), { kind: 'advertise', app: 'my-app', service: 'git-upload-pack', action: 'fetch' });
  assert.deepEqual(matchGitRoute('POST', '/my-app.git/git-receive-pack', undefined), { kind: 'receive-pack', app: 'my-app', action: 'push' });
  assert.deepEqual(matchGitRoute('POST', '/my-app.git/git-upload-pack', 'git-receive-pack'), { kind: 'upload-pack', app: 'my-app', action: 'fetch' });
});

test('paths that are not git URLs are left to other routes', () => {
  for (const path of ['/v1/apps', '/my-app.git', '/my-app/info/refs', '/', '/a/b.git/info/refs']) {
    assert.deepEqual(matchGitRoute('GET', path, undefined), { kind: 'none' }, path);
  }
});

test('bad app segments, services and methods are errors with a status', () => {
  const table: Array<[string, string, unknown, number]> = [
    ['GET', '/..%2f..%2fetc.git/info/refs', 'git-upload-pack', 400],
    ['GET', '/-x.git/info/refs', 'git-upload-pack', 400],
    ['GET', '/ab.git/info/refs', 'git-upload-pack', 400],
    ['GET', '/paas.git/info/refs', 'git-upload-pack', 400],
    ['GET', '/my-app.git/info/refs', 'git-shell', 400],
    ['GET', '/my-app.git/info/refs', ['git-upload-pack', 'git-receive-pack'], 400],
    ['GET', '/my-app.git/info/refs', undefined, 403],
    ['POST', '/my-app.git/info/refs', 'git-upload-pack', 400],
    ['GET', '/my-app.git/git-receive-pack', undefined, 400],
    ['GET', '/my-app.git/HEAD', undefined, 404],
    ['GET', '/my-app.git/objects/info/packs', undefined, 404],
  ];
  for (const [method, path, service, status] of table) {
    const match = matchGitRoute(method, path, service);
    assert.equal(match.kind, 'error', `${method} ${path}`);
    assert.equal(match.kind === 'error' && match.error.status, status, `${method} ${path}`);
  }
});
