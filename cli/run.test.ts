import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Input, Output } from './context.js';
import { createCredentialStore } from './credentials.js';
import { createGitRunner } from './git-remote.js';
import { resolveApp, runCli } from './run.js';

const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' };

function memoryOutput(): Output & { text(): string } {
  let text = '';
  return { write: (t) => void (text += t), line: (t = '') => void (text += `${t}\n`), text: () => text };
}

function pipedInput(text = ''): Input {
  return { isTTY: false, readAll: async () => text, ask: async () => assert.fail('no terminal in tests') };
}

interface RunResult { code: number; stdout: string; stderr: string }

/** Runs the CLI in a fresh config dir and a directory outside any git repository. */
async function paas(argv: string[], options: { env?: Record<string, string>; cwd?: string; stdin?: string; configDir?: string } = {}): Promise<RunResult> {
  const scratch = await fs.mkdtemp(join(tmpdir(), 'paas-cli-run-'));
  try {
    const stdout = memoryOutput();
    const stderr = memoryOutput();
    const code = await runCli({
      argv,
      env: { PAAS_CONFIG_DIR: options.configDir ?? join(scratch, 'config'), ...options.env },
      cwd: options.cwd ?? scratch,
      homedir: scratch,
      fetch: globalThis.fetch,
      fs,
      git: createGitRunner(GIT_ENV),
      stdout,
      stderr,
      input: pipedInput(options.stdin),
      self: { node: process.execPath, script: '/nonexistent/paas.js' },
    });
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

test('no arguments, "help" and --help list the commands', async () => {
  const bare = await paas([]);
  assert.equal(bare.code, 0);
  assert.match(bare.stdout, /^Usage: paas COMMAND/);
  for (const name of ['login', 'apps:create', 'config:set', 'access:add', 'tokens:create', 'users:remove', 'git:remote']) {
    assert.match(bare.stdout, new RegExp(`^  ${name} `, 'm'), name);
  }
  assert.doesNotMatch(bare.stdout, /git-credential/, 'the git helper is hidden');
  assert.match(bare.stdout, /PAAS_API_URL/);
  assert.equal((await paas(['help'])).stdout, bare.stdout);
  assert.equal((await paas(['--help'])).stdout, bare.stdout);
});

test('"help COMMAND" and "COMMAND --help" show the same flags', async () => {
  const viaHelp = await paas(['help', 'apps:destroy']);
  const viaFlag = await paas(['apps:destroy', '--help']);
  assert.equal(viaHelp.code, 0);
  assert.equal(viaHelp.stdout, viaFlag.stdout);
  assert.match(viaHelp.stdout, /^Usage: paas apps:destroy \[NAME\]/);
  assert.match(viaHelp.stdout, /-a, --app NAME/);
  assert.match(viaHelp.stdout, /--confirm NAME/);
  assert.equal((await paas(['help', 'destroy'])).stdout, viaHelp.stdout, 'aliases reach the same help');
});

test('an unknown command suggests the closest one and exits 2', async () => {
  const result = await paas(['aps']);
  assert.equal(result.code, 2);
  assert.equal(result.stdout, '');
  assert.equal(result.stderr, 'Error: "aps" is not a paas command\nHint: Did you mean "paas apps"? See all commands with: paas help\n');
  assert.match((await paas(['config:st', 'A=1'])).stderr, /Did you mean "paas config:set"/);
  assert.match((await paas(['help', 'tokns'])).stderr, /Did you mean "paas tokens"/);
});

test('argument and flag mistakes are usage errors naming the fix', async () => {
  const extra = await paas(['apps', 'extra']);
  assert.equal(extra.code, 2);
  assert.match(extra.stderr, /^Error: Unexpected argument "extra" for paas apps\nHint: Usage: paas apps/);
  assert.match((await paas(['config:get', '-a', 'web'])).stderr, /^Error: paas config:get needs KEY/);
  assert.match((await paas(['config:set', '-a', 'web', 'NOVALUE'])).stderr, /^Error: Expected KEY=value, got "NOVALUE"/);
  assert.match((await paas(['config:unset', '-a', 'web', 'A=1'])).stderr, /takes names, not KEY=value/);
  assert.match((await paas(['apps', '--jsn'])).stderr, /Unknown flag --jsn for paas apps\nHint: Did you mean --json\?/);
  assert.match((await paas(['-a', 'web', 'config'])).stderr, /Commands come first/);
  assert.match((await paas(['tokens:create', '--expires-in', '30'])).stderr, /Invalid duration "30"/);
});

test('commands that need a login say to run paas login', async () => {
  const result = await paas(['whoami']);
  assert.equal(result.code, 1);
  assert.equal(result.stderr, 'Error: Not logged in\nHint: Log in with: paas login\n');
  const other = await paas(['apps'], { env: { PAAS_API_URL: 'http://127.0.0.1:1' } });
  assert.match(other.stderr, /Not logged in to http:\/\/127\.0\.0\.1:1 \(from PAAS_API_URL\)/);
  assert.equal((await paas(['logout'])).stdout, 'Not logged in; nothing to do.\n');
});

test('app commands without --app or a paas remote say how to name the app', async () => {
  const result = await paas(['config']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^Error: No app given, and no "paas" git remote in this directory/);
  assert.match(result.stderr, /\nHint: Pass --app NAME, or run "paas apps:create"/);
});

test('apps:destroy refuses without a matching --confirm and says how', async () => {
  for (const argv of [['apps:destroy', '-a', 'web'], ['apps:destroy', 'web', '--confirm', 'wbe']]) {
    const result = await paas(argv);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, [
      'Error: This destroys web with its releases, config and processes, and cannot be undone',
      'Hint: To proceed, run: paas apps:destroy --app web --confirm web',
      '',
    ].join('\n'));
  }
  assert.match((await paas(['apps:destroy', 'web', '-a', 'api'])).stderr, /Two different apps given/);
});

test('a server that is not running is reported with its URL and the fix; nothing is stored', async () => {
  const port = await closedPort();
  const configDir = await fs.mkdtemp(join(tmpdir(), 'paas-cli-cfg-'));
  try {
    const result = await paas(['login', '--server', `http://127.0.0.1:${port}/`], { stdin: 'paas_abc_secret\n', configDir });
    assert.equal(result.code, 1);
    assert.equal(result.stderr.split('\n')[0], `Error: The paas server at http://127.0.0.1:${port} is not reachable (ECONNREFUSED)`);
    assert.match(result.stderr, /\nHint: .*paas login --server URL/);
    assert.doesNotMatch(result.stderr, /paas_abc_secret/, 'the token is never printed');
    assert.equal(await createCredentialStore({ fs, dir: configDir }).load(), undefined);

    await createCredentialStore({ fs, dir: configDir }).save({ server: `http://127.0.0.1:${port}`, token: 'paas_abc_secret', email: 'a@b.c' });
    const apps = await paas(['apps'], { configDir });
    assert.match(apps.stderr, /is not reachable/);
    assert.doesNotMatch(apps.stderr, /paas_abc_secret/);
  } finally {
    await fs.rm(configDir, { recursive: true, force: true });
  }
});

test('login refuses a server URL without a scheme and an empty token', async () => {
  const noScheme = await paas(['login', '--server', '127.0.0.1:5000'], { stdin: 'paas_x_y' });
  assert.equal(noScheme.code, 2);
  assert.match(noScheme.stderr, /Hint: Give the full URL of the paas API, e.g. http:\/\/127\.0\.0\.1:5000/);
  assert.match((await paas(['login', '--server', 'http://127.0.0.1:1'], { stdin: '\n\n' })).stderr, /^Error: No token given/);
  assert.match((await paas(['login'], { stdin: 'paas_x_y' })).stderr, /No server URL given\nHint: Pass it with: paas login --server URL/);
});

test('the app comes from --app, else from the git remote (paas or --remote)', async () => {
  const git = createGitRunner(GIT_ENV);
  const repo = await fs.mkdtemp(join(tmpdir(), 'paas-cli-repo-'));
  try {
    execFileSync('git', ['init', '-q', repo], { env: GIT_ENV });
    execFileSync('git', ['remote', 'add', 'paas', 'http://127.0.0.1:5000/web.git'], { cwd: repo, env: GIT_ENV });
    execFileSync('git', ['remote', 'add', 'staging', 'http://127.0.0.1:5000/web-staging.git'], { cwd: repo, env: GIT_ENV });
    assert.equal(await resolveApp({ git, cwd: repo }), 'web');
    assert.equal(await resolveApp({ git, cwd: repo, remote: 'staging' }), 'web-staging');
    assert.equal(await resolveApp({ git, cwd: repo, app: 'other' }), 'other');
    await assert.rejects(resolveApp({ git, cwd: repo, remote: 'prod' }), /No git remote "prod" in this directory/);
    // Subdirectories of the repository find it too.
    await fs.mkdir(join(repo, 'src'));
    assert.equal(await resolveApp({ git, cwd: join(repo, 'src') }), 'web');
    // And a command run there gets that far (then needs a login).
    const result = await paas(['config'], { cwd: join(repo, 'src') });
    assert.equal(result.stderr, 'Error: Not logged in\nHint: Log in with: paas login\n');
  } finally {
    await fs.rm(repo, { recursive: true, force: true });
  }
});

test('git-credential answers get from the stored login and ignores store/erase', async () => {
  const configDir = await fs.mkdtemp(join(tmpdir(), 'paas-cli-cfg-'));
  try {
    await createCredentialStore({ fs, dir: configDir }).save({ server: 'http://127.0.0.1:5000', token: 'paas_abc_secret', email: 'a@b.c' });
    const request = 'protocol=http\nhost=127.0.0.1:5000\n\n';
    const get = await paas(['git-credential', 'get'], { configDir, stdin: request });
    assert.deepEqual(get, { code: 0, stdout: 'username=paas\npassword=paas_abc_secret\n', stderr: '' });
    assert.deepEqual(await paas(['git-credential', 'store'], { configDir, stdin: `${request}username=paas\npassword=x\n` }), { code: 0, stdout: '', stderr: '' });
    assert.deepEqual(await paas(['git-credential', 'erase'], { configDir, stdin: request }), { code: 0, stdout: '', stderr: '' });
    assert.equal((await paas(['git-credential', 'get'], { configDir, stdin: 'protocol=http\nhost=evil.example\n' })).stdout, '');
    // PAAS_TOKEN reaches git pushes from CI too.
    const fromEnv = await paas(['git-credential', 'get'], { env: { PAAS_TOKEN: 'paas_ci_token', PAAS_API_URL: 'http://127.0.0.1:5000' }, stdin: request });
    assert.equal(fromEnv.stdout, 'username=paas\npassword=paas_ci_token\n');
  } finally {
    await fs.rm(configDir, { recursive: true, force: true });
  }
});
