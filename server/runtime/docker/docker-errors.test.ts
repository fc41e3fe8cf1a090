import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redact, translateDockerError } from './docker-errors.js';

function dockerodeError(statusCode: number, message: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message}`), { statusCode, json: { message } });
}

test('a missing image becomes NOT_FOUND with a hint naming the image', () => {
  const err = translateDockerError(dockerodeError(404, 'No such image: shop:v9'), { action: 'start web of shop v9', image: 'shop:v9' });
  assert.equal(err.code, 'NOT_FOUND');
  assert.match(err.message, /shop:v9/);
  assert.match(err.hint ?? '', /git push/);
});

test('an unreachable engine becomes UNAVAILABLE', () => {
  const err = translateDockerError(Object.assign(new Error('connect ENOENT /var/run/docker.sock'), { code: 'ENOENT' }), { action: 'list containers' });
  assert.equal(err.code, 'UNAVAILABLE');
  assert.match(err.hint ?? '', /Docker is running/);
});

test('config values never survive in the message or the cause', () => {
  const secret = 's3cr3t-token-value';
  const err = translateDockerError(dockerodeError(400, `invalid environment variable: API_KEY=${secret}`), {
    action: 'create web.1', secrets: [secret, 'no'], fallback: 'RELEASE_FAILED',
  });
  assert.equal(err.code, 'RELEASE_FAILED');
  assert.doesNotMatch(err.message, /s3cr3t/);
  assert.doesNotMatch(String((err.cause as Error).message), /s3cr3t/);
  assert.equal(redact('a no b', ['no']), 'a no b', 'very short values are left alone');
});
