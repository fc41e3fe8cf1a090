/**
 * The `paas` CLI as a user runs it: the real bin/paas.js binary against the
 * real paas-server (127.0.0.1, port 0, fresh data dir), in a throwaway HOME
 * and config directory with no global or system git config. A story: log
 * in, create an app from a repository, configure it, share it, make a
 * token, look at releases and processes before the first deploy, and let
 * git authenticate through the credential helper until logout.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { api, createUser } from './support/api.js';
import { git, gitOk, makeRepo, removeDir, tempDir } from './support/git-fixtures.js';
import { CLI_BIN, startServer, type ServerProcess } from './support/server-process.js';

const APP = 'cli-story';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

describe('paas CLI end to end', () => {
  let server: ServerProcess;
  let home: string;
  let repo: string;
  let annToken: string;
  let bobToken: string;
  let carolToken: string;

  /** The environment of a user whose HOME and config live in the temp dir: nothing global leaks in. */
  const userEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    PAAS_CONFIG_DIR: join(home, 'config'),
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    LANG: 'C',
    ...extra,
  });

  function paas(args: string[], options: { cwd?: string; env?: Record<string, string>; stdin?: string } = {}): Promise<CliResult> {
    return new Promise((resolve) => {
      const child = execFile(process.execPath, [CLI_BIN, ...args], { cwd: options.cwd ?? home, env: userEnv(options.env), timeout: 20_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      });
      child.stdin!.end(options.stdin ?? '');
    });
  }

  /** Asserts success and returns stdout. */
  async function paasOk(args: string[], options: Parameters<typeof paas>[1] = {}): Promise<string> {
    const result = await paas(args, options);
    assert.equal(result.code, 0, `paas ${args.join(' ')} failed:\n${result.stderr}`);
    return result.stdout;
  }

  /** Another user, by token only (PAAS_API_URL + PAAS_TOKEN), as CI would. */
  const as = (token: string) => ({ env: { PAAS_API_URL: server.url, PAAS_TOKEN: token, PAAS_CONFIG_DIR: join(home, 'nobody') } });

  before(async () => {
    server = await startServer();
    annToken = await createUser(server.url, server.adminToken, 'ann@example.com');
    bobToken = await createUser(server.url, server.adminToken, 'bob@example.com');
    carolToken = await createUser(server.url, server.adminToken, 'carol@example.com');
    home = await tempDir('cli-home');
    repo = await makeRepo({
      'package.json': JSON.stringify({ name: APP, version: '1.0.0', scripts: { start: 'node server.js' } }),
      'server.js': "require('http').createServer((q, s) => s.end('hi')).listen(process.env.PORT);\n",
    });
  });

  after(async () => {
    await server?.stop();
    if (home) await removeDir(home);
    if (repo) await removeDir(repo);
  });

  test('login checks the token and stores it in a 0600 file; whoami answers', async () => {
    const out = await paasOk(['login', '--server', server.url], { stdin: `${annToken}\n` });
    assert.equal(out, `Logged in to ${server.url} as ann@example.com\n`);
    const file = join(home, 'config', 'credentials.json');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.ok((await readFile(file, 'utf8')).includes(annToken));
    assert.equal(await paasOk(['whoami']), 'ann@example.com\n');

    const refused = await paas(['login', '--server', server.url], { stdin: 'paas_0000000000000000_wrong\n' });
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /did not accept this token/);
    assert.equal(await paasOk(['whoami']), 'ann@example.com\n', 'a refused login keeps the stored one');
  });

  test('apps:create in a repository adds the paas remote and the credential helper', async () => {
    const out = await paasOk(['apps:create', APP], { cwd: repo });
    const gitUrl = `${server.url}/${APP}.git`;
    assert.match(out, new RegExp(`^Created app ${APP}\n`));
    assert.match(out, /\nDeploy with: git push paas main\n$/);
    const repoGit = { cwd: repo, env: { GIT_CONFIG_GLOBAL: '/dev/null' } };
    assert.equal(await gitOk(['remote', 'get-url', 'paas'], repoGit), gitUrl);
    const helpers = (await git(['config', '--get-all', `credential.${server.url}.helper`], repoGit)).stdout.split('\n');
    assert.equal(helpers[0], '', 'inherited helpers are reset first');
    assert.match(helpers[1]!, /^!\S*node'? '?\S*bin\/paas\.js'? git-credential$/);
    assert.equal(await gitOk(['config', '--get', `credential.${server.url}.username`], repoGit), 'paas');
  });

  test('apps lists it, and --json gives the records', async () => {
    assert.match(await paasOk(['apps']), new RegExp(`^${APP} +ann@example\\.com +http://${APP}\\.localhost:\\d+$`, 'm'));
    const list = JSON.parse(await paasOk(['apps', '--json'])) as { name: string; gitUrl: string }[];
    assert.deepEqual(list.map((a) => [a.name, a.gitUrl]), [[APP, `${server.url}/${APP}.git`]]);
  });

  test('config vars round-trip byte-exact, found from the git remote', async () => {
    const tricky = 'has spaces $(x) "q"';
    assert.equal(await paasOk(['config:set', 'A=1', `B=${tricky}`], { cwd: repo }), `Set A and B on ${APP}\n`);
    assert.deepEqual(JSON.parse(await paasOk(['config', '--json'], { cwd: repo })), { A: '1', B: tricky });
    assert.equal(await paasOk(['config:get', 'B', '-a', APP]), `${tricky}\n`);
    await paasOk(['config:unset', 'A'], { cwd: repo });
    assert.deepEqual(JSON.parse(await paasOk(['config', '--json', '-a', APP])), { B: tricky });
  });

  test('access:add lets a collaborator in; anyone else gets the server\'s refusal', async () => {
    assert.match(await paasOk(['access:add', 'bob@example.com', '-a', APP]), /^Added bob@example\.com to cli-story as a collaborator\n/);
    assert.match(await paasOk(['apps'], as(bobToken)), new RegExp(`^${APP} `, 'm'));
    assert.deepEqual(JSON.parse(await paasOk(['config', '--json', '-a', APP], as(bobToken))), { B: 'has spaces $(x) "q"' });

    const refused = await paas(['config', '-a', APP], as(carolToken));
    const server_ = (await api(server.url, 'GET', `/v1/apps/${APP}/config`, { token: carolToken })).body as { message: string; hint?: string };
    assert.equal(refused.code, 1);
    assert.equal(refused.stdout, '');
    assert.equal(refused.stderr, `Error: ${server_.message}\n${server_.hint ? `Hint: ${server_.hint}\n` : ''}`);
    assert.equal((await paas(['apps', '--json'], as(carolToken))).stdout, '[]\n');
  });

  test('tokens:create prints the secret once; tokens never shows secrets', async () => {
    const created = await paas(['tokens:create', '--description', 'ci']);
    assert.equal(created.code, 0);
    const token = created.stdout.trim();
    assert.match(created.stdout, /^paas_[0-9a-f]{16}_\S+\n$/, 'stdout holds only the token');
    assert.match(created.stderr, /shown only once/);
    assert.equal(await paasOk(['whoami'], as(token)), 'ann@example.com\n');

    const secrets = [token, annToken].map((t) => t.split('_').slice(2).join('_'));
    for (const listing of [await paasOk(['tokens']), await paasOk(['tokens', '--json'])]) {
      assert.match(listing, new RegExp(token.split('_')[1]!), 'the token is listed by id');
      for (const secret of secrets) assert.ok(!listing.includes(secret), 'no secret in the listing');
    }
  });

  test('before the first deploy: releases, ps and builds say so and exit 0', async () => {
    assert.equal(await paasOk(['releases'], { cwd: repo }), `${APP} has no releases yet. Deploy with: git push paas main\n`);
    assert.equal(await paasOk(['releases', '--json', '-a', APP]), '[]\n');
    assert.match(await paasOk(['ps'], { cwd: repo }), new RegExp(`^${APP} has no instances running\\.`));
    assert.equal(await paasOk(['ps', '--json', '-a', APP]), '[]\n');
    assert.match(await paasOk(['builds', '-a', APP]), /has no builds yet/);
    assert.match(await paasOk(['healthchecks', '-a', APP]), /ready when: TCP connect to \$PORT/);
  });

  test('open prints the web URL on the router', async () => {
    const routerPort = await routerPortOf(server);
    assert.equal(await paasOk(['open'], { cwd: repo }), `http://${APP}.localhost:${routerPort}\n`);
  });

  test('releases:rollback with nothing to roll back fails with the server\'s message and hint', async () => {
    const result = await paas(['releases:rollback', '-a', APP]);
    const answer = await api(server.url, 'POST', `/v1/apps/${APP}/releases/rollback`, { token: annToken, body: {} });
    assert.equal(answer.status, 404);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, `Error: ${answer.body.message}\nHint: ${answer.body.hint}\n`);
    assert.match(result.stderr, /no live release to roll back from/);
  });

  test('mistakes are usage errors: an unknown command suggests the close one; bad scale counts are named', async () => {
    const unknown = await paas(['relases']);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stderr, 'Error: "relases" is not a paas command\nHint: Did you mean "paas releases"? See all commands with: paas help\n');
    const scale = await paas(['ps:scale', 'web=abc', '-a', APP]);
    assert.equal(scale.code, 2);
    assert.match(scale.stderr, /^Error: Invalid count "abc" for web: want a whole number/);
  });

  test('--help on a command lists its flags; help lists the new commands', async () => {
    const help = await paasOk(['releases:rollback', '--help']);
    assert.match(help, /^Usage: paas releases:rollback \[vN\] \[flags\]\n/);
    for (const flag of ['-a, --app NAME', '-r, --remote REMOTE', '--json', '-h, --help']) assert.ok(help.includes(flag), flag);
    const logsHelp = await paasOk(['logs', '--help']);
    for (const flag of ['-n, --num N', '-t, --tail', '-p, --process TYPE']) assert.ok(logsHelp.includes(flag), flag);
    const list = await paasOk(['help']);
    for (const name of ['builds:info', 'releases:rollback', 'ps:scale', 'ps:restart', 'logs', 'open', 'healthchecks:set']) {
      assert.match(list, new RegExp(`^  ${name} `, 'm'), name);
    }
  });

  test('logs --tail follows until Ctrl-C, then exits 0', async () => {
    assert.equal(await paasOk(['logs', '-a', APP]), '', 'no instances, no lines');
    const child = spawn(process.execPath, [CLI_BIN, 'logs', '--tail', '-a', APP], { cwd: home, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) => child.once('exit', (code, signal) => ok({ code, signal })));
    // Startup plus the request; the stream then stays open (nothing to read yet).
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(child.exitCode, null, `logs --tail ended by itself: ${stderr}`);
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    const result = await exited;
    clearTimeout(timer);
    assert.deepEqual(result, { code: 0, signal: null }, stderr);
    assert.equal(stderr, '');
  });

  test('git authenticates through the helper with no secret in the URL, and stops after logout', async () => {
    const remote = await gitOk(['remote', 'get-url', 'paas'], { cwd: repo, env: { GIT_CONFIG_GLOBAL: '/dev/null' } });
    assert.ok(!remote.includes('@'), 'no credentials in the remote URL');
    const gitEnv = userEnv();
    const listed = await git(['ls-remote', 'paas'], { cwd: repo, env: gitEnv, timeoutMs: 15_000 });
    assert.equal(listed.code, 0, listed.stderr);

    assert.equal(await paasOk(['logout']), `Logged out of ${server.url}\n`);
    const refused = await git(['ls-remote', 'paas'], { cwd: repo, env: gitEnv, timeoutMs: 15_000 });
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /Authentication failed|could not read (Username|Password)|terminal prompts disabled/);
    assert.ok(!refused.stderr.includes(annToken));
  });
});

/** The embedded router's port, from the line the server prints after it listens. */
async function routerPortOf(server: ServerProcess): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const match = /router listening on http:\/\/[^\s;]+:(\d+)/.exec(server.output());
    if (match) return match[1]!;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no router line in the server output:\n${server.output()}`);
}
