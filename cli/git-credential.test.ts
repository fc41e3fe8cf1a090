import { test } from 'node:test';
import assert from 'node:assert/strict';
import { credentialAnswer, parseCredentialRequest } from './git-credential.js';

const SESSION = { server: 'http://127.0.0.1:5000', token: 'paas_id_secret', source: 'file' as const };

test('parses git credential requests up to the blank line', () => {
  assert.deepEqual(parseCredentialRequest('protocol=http\nhost=127.0.0.1:5000\npath=a.git\n\nignored=1\n'), {
    protocol: 'http', host: '127.0.0.1:5000', path: 'a.git',
  });
  assert.deepEqual(parseCredentialRequest('protocol=https\r\nhost=x\r\n'), { protocol: 'https', host: 'x' });
});

test('answers only for the logged-in server', () => {
  const answer = (text: string, session = SESSION) => credentialAnswer(parseCredentialRequest(text), session);
  assert.equal(answer('protocol=http\nhost=127.0.0.1:5000\n'), 'username=paas\npassword=paas_id_secret\n');
  assert.equal(answer('protocol=http\nhost=127.0.0.1:5001\n'), '');
  assert.equal(answer('protocol=https\nhost=127.0.0.1:5000\n'), '');
  assert.equal(answer('protocol=http\nhost=github.com\n'), '');
  assert.equal(answer('host=127.0.0.1:5000\n'), '');
  // Default ports compare equal, as git and URL agree on them.
  assert.equal(answer('protocol=https\nhost=paas.example.com\n', { ...SESSION, server: 'https://paas.example.com:443/api' }), 'username=paas\npassword=paas_id_secret\n');
  assert.equal(credentialAnswer({ protocol: 'http', host: '127.0.0.1:5000' }, undefined), '');
  assert.equal(answer('protocol=http\nhost=127.0.0.1:5000\n', { ...SESSION, token: 'a\nusername=evil' }), '');
});
