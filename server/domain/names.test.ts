import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appNameProblems, assertConfigKeys, configKeyProblem, generateAppName } from './names.js';

test('app names are DNS-1123 labels of 3-30 chars that are not reserved', () => {
  for (const ok of ['web', 'my-app', 'a1-b2', 'x'.repeat(30)]) assert.deepEqual(appNameProblems(ok), [], ok);
  for (const bad of ['ab', 'x'.repeat(31), 'My-app', '1app', 'app-', 'a_b', 'a.b', '../x', 'kube-dns', 'paas', 'default', '']) {
    assert.notDeepEqual(appNameProblems(bad), [], bad);
  }
});

test('generated names are valid', () => {
  for (let i = 0; i < 200; i++) assert.deepEqual(appNameProblems(generateAppName()), []);
});

test('config keys follow environment variable rules', () => {
  assert.equal(configKeyProblem('DATABASE_URL'), undefined);
  assert.equal(configKeyProblem('_x1'), undefined);
  assert.match(configKeyProblem('1X')!, /A-Za-z_/);
  assert.match(configKeyProblem('PORT')!, /platform/);
  assert.throws(() => assertConfigKeys(['OK', 'NOT OK', 'A=B']), /NOT OK.*A=B/s);
});
