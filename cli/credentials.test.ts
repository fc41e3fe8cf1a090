import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  configDir, createCredentialStore, normalizeServerUrl, notLoggedInError, resolveSession, serverOrigin, tokenId,
} from './credentials.js';
import { CliError } from './errors.js';

async function tempDir(): Promise<string> {
  return fs.mkdtemp(join(tmpdir(), 'paas-cli-creds-'));
}

test('config dir: PAAS_CONFIG_DIR, then XDG_CONFIG_HOME/paas, then ~/.config/paas', () => {
  assert.equal(configDir({ PAAS_CONFIG_DIR: '/c', XDG_CONFIG_HOME: '/x' }, '/home/u'), '/c');
  assert.equal(configDir({ XDG_CONFIG_HOME: '/x' }, '/home/u'), '/x/paas');
  assert.equal(configDir({}, '/home/u'), '/home/u/.config/paas');
});

test('credentials are saved 0600 in a 0700 dir, loaded back, and removed', async () => {
  const root = await tempDir();
  try {
    const dir = join(root, 'nested', 'paas');
    const store = createCredentialStore({ fs, dir });
    assert.equal(await store.load(), undefined);
    await store.save({ server: 'http://127.0.0.1:5000', token: 'paas_abc_secret', email: 'dev@example.com' });
    assert.equal((await fs.stat(dir)).mode & 0o777, 0o700);
    assert.equal((await fs.stat(store.path)).mode & 0o777, 0o600);
    assert.equal(store.path, join(dir, 'credentials.json'));
    assert.deepEqual(await store.load(), { server: 'http://127.0.0.1:5000', token: 'paas_abc_secret', email: 'dev@example.com' });
    assert.deepEqual(await fs.readdir(dir), ['credentials.json'], 'no temp files left behind');

    // An existing, too-open directory is tightened on save.
    await fs.chmod(dir, 0o755);
    await store.save({ server: 'http://127.0.0.1:5000', token: 'paas_def_secret', email: 'dev@example.com' });
    assert.equal((await fs.stat(dir)).mode & 0o777, 0o700);
    assert.equal((await store.load())?.token, 'paas_def_secret');

    assert.equal((await store.remove())?.server, 'http://127.0.0.1:5000');
    assert.equal(await store.load(), undefined);
    assert.equal(await store.remove(), undefined);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});

test('a damaged credentials file says so and how to fix it', async () => {
  const dir = await tempDir();
  try {
    await fs.writeFile(join(dir, 'credentials.json'), '{"server": 1');
    await assert.rejects(createCredentialStore({ fs, dir }).load(), (err: CliError) =>
      err.code === 'CONFIG_FILE' && /damaged/.test(err.message) && err.hint === 'Log in again with: paas login');
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

const STORED = { server: 'http://127.0.0.1:5000', token: 'paas_id1_stored', email: 'dev@example.com' };

test('session: stored login, PAAS_TOKEN override, and no token sent to another server', () => {
  assert.deepEqual(resolveSession(STORED, {}), { ...STORED, source: 'file' });
  assert.equal(resolveSession(undefined, {}), undefined);
  // PAAS_TOKEN with PAAS_API_URL: no file needed.
  assert.deepEqual(resolveSession(undefined, { PAAS_TOKEN: 't', PAAS_API_URL: 'http://ci:5000/' }), { server: 'http://ci:5000', token: 't', source: 'env' });
  // PAAS_TOKEN alone uses the stored server.
  assert.deepEqual(resolveSession(STORED, { PAAS_TOKEN: 't' }), { server: STORED.server, token: 't', source: 'env' });
  assert.equal(resolveSession(undefined, { PAAS_TOKEN: 't' }), undefined);
  // PAAS_API_URL alone: the stored token only for the same server.
  assert.equal(resolveSession(STORED, { PAAS_API_URL: 'http://other:5000' }), undefined);
  assert.equal(resolveSession(STORED, { PAAS_API_URL: 'http://127.0.0.1:5000/' })?.token, STORED.token);
});

test('not-logged-in errors name the server and the fix', () => {
  assert.equal(notLoggedInError({}).hint, 'Log in with: paas login');
  assert.match(notLoggedInError({ PAAS_API_URL: 'http://x:1' }).message, /Not logged in to http:\/\/x:1/);
  assert.match(notLoggedInError({ PAAS_TOKEN: 't' }).hint ?? '', /Set PAAS_API_URL/);
});

test('server URLs are checked and normalised', () => {
  assert.equal(normalizeServerUrl(' https://paas.example.com/// '), 'https://paas.example.com');
  assert.equal(normalizeServerUrl('http://127.0.0.1:5000/api'), 'http://127.0.0.1:5000/api');
  assert.throws(() => normalizeServerUrl('127.0.0.1:5000'), (err: CliError) => err.code === 'USAGE' && /http:\/\/127\.0\.0\.1:5000/.test(err.hint ?? ''));
  assert.throws(() => normalizeServerUrl('ftp://x'), /Invalid server URL/);
  assert.throws(() => normalizeServerUrl('http://user:pw@x'), /Invalid server URL/);
  assert.equal(serverOrigin('HTTP://Example.COM:80/x'), 'http://example.com');
  assert.equal(tokenId('paas_0123abcd_s3cr3t_x'), '0123abcd');
  assert.equal(tokenId('nope'), undefined);
});
