import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCredentialStore } from './credentials.js';
import {
  appNameFromGitUrl, configureCredentialHelper, createGitRunner, credentialHelperCommand, isInsideWorkTree, remoteUrl, removeRemote, upsertRemote,
} from './git-remote.js';

const CLI_SCRIPT = fileURLToPath(new URL('../../bin/paas.js', import.meta.url));
/** git without the machine's global or system config. */
const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' };

async function tempRepo(): Promise<string> {
  const dir = await fs.mkdtemp(join(tmpdir(), 'paas-cli-git-'));
  execFileSync('git', ['init', '-q', dir], { env: GIT_ENV });
  return dir;
}

test('the app name is the last path segment of the remote URL, without .git', () => {
  const cases: [string, string | undefined][] = [
    ['http://127.0.0.1:5000/my-app.git', 'my-app'],
    ['https://paas.example.com/prefix/my-app.git/', 'my-app'],
    ['http://127.0.0.1:5000/my-app', 'my-app'],
    ['git@paas.example.com:my-app.git', 'my-app'],
    ['ssh://git@paas.example.com/my-app.git', 'my-app'],
    ['http://127.0.0.1:5000/my%20app.git?x=1', 'my app'],
    ['/srv/git/my-app.git', 'my-app'],
    ['http://127.0.0.1:5000/', undefined],
    ['', undefined],
  ];
  for (const [url, want] of cases) assert.equal(appNameFromGitUrl(url), want, url);
});

test('the credential helper command reaches the CLI with exact paths through sh', () => {
  const helper = credentialHelperCommand({ node: "/opt/my node/bin/node", script: "/home/o'brien/$(x)/paas.js" });
  assert.ok(helper.startsWith('!'));
  // git runs "<helper without !> get" through sh -c; echo the argv it would start.
  const argv = execFileSync('sh', ['-c', `for a in ${helper.slice(1)} get; do printf '%s\\n' "$a"; done`], { encoding: 'utf8' });
  assert.deepEqual(argv.trimEnd().split('\n'), ['/opt/my node/bin/node', "/home/o'brien/$(x)/paas.js", 'git-credential', 'get']);
});

test('remotes are added, left alone, updated and removed in a real repository', async () => {
  const git = createGitRunner(GIT_ENV);
  const repo = await tempRepo();
  const outside = await fs.mkdtemp(join(tmpdir(), 'paas-cli-nogit-'));
  try {
    assert.equal(await isInsideWorkTree(git, repo), true);
    assert.equal(await isInsideWorkTree(git, outside), false);
    assert.equal(await remoteUrl(git, outside, 'paas'), undefined);
    assert.deepEqual(await upsertRemote(git, repo, 'paas', 'http://127.0.0.1:5000/a.git'), { change: 'added' });
    assert.deepEqual(await upsertRemote(git, repo, 'paas', 'http://127.0.0.1:5000/a.git'), { change: 'unchanged' });
    assert.deepEqual(await upsertRemote(git, repo, 'paas', 'http://127.0.0.1:5000/b.git'), { change: 'updated', previous: 'http://127.0.0.1:5000/a.git' });
    assert.equal(await remoteUrl(git, repo, 'paas'), 'http://127.0.0.1:5000/b.git');
    await removeRemote(git, repo, 'paas');
    assert.equal(await remoteUrl(git, repo, 'paas'), undefined);
  } finally {
    await fs.rm(repo, { recursive: true, force: true });
    await fs.rm(outside, { recursive: true, force: true });
  }
});

test('git asks the CLI for the stored token, for the paas server only', async () => {
  const git = createGitRunner(GIT_ENV);
  const repo = await tempRepo();
  const configDir = await fs.mkdtemp(join(tmpdir(), 'paas-cli-cfg-'));
  try {
    const origin = 'http://127.0.0.1:5000';
    const helper = credentialHelperCommand({ node: process.execPath, script: CLI_SCRIPT });
    await configureCredentialHelper(git, repo, origin, helper);
    await configureCredentialHelper(git, repo, origin, helper); // idempotent
    const helpers = execFileSync('git', ['config', '--get-all', `credential.${origin}.helper`], { cwd: repo, env: GIT_ENV, encoding: 'utf8' });
    assert.deepEqual(helpers.split('\n').slice(0, -1), ['', helper]);

    await createCredentialStore({ fs, dir: configDir }).save({ server: `${origin}/`, token: 'paas_abc_s3cret', email: 'dev@example.com' });
    const fill = (host: string) => execFileSync('git', ['credential', 'fill'], {
      cwd: repo,
      env: { ...GIT_ENV, PAAS_CONFIG_DIR: configDir },
      input: `protocol=http\nhost=${host}\npath=my-app.git\n\n`,
      encoding: 'utf8',
      timeout: 20_000,
    });
    const answer = fill('127.0.0.1:5000');
    assert.match(answer, /^username=paas$/m);
    assert.match(answer, /^password=paas_abc_s3cret$/m);
    // Another host has no helper and no terminal to ask on: git gives up.
    assert.throws(() => fill('127.0.0.1:5001'));

    // Logged in to another server: the helper stays silent for this one.
    await createCredentialStore({ fs, dir: configDir }).save({ server: 'http://127.0.0.1:6000', token: 'paas_xyz_other', email: 'dev@example.com' });
    assert.throws(() => fill('127.0.0.1:5000'));
  } finally {
    await fs.rm(repo, { recursive: true, force: true });
    await fs.rm(configDir, { recursive: true, force: true });
  }
});
