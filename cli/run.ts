/**
 * The CLI as a function: argv and injected effects in, exit code out.
 * Finds the command in the table, parses its flags, builds the context it
 * runs with, and prints every failure the same way on stderr:
 *
 *   Error: <what went wrong>
 *   Hint: <what to do next>
 *
 * main.ts calls this with the real process; tests call it with in-memory
 * outputs and a temp config directory.
 */
import { commandFlags, parseFlags } from './args.js';
import { createApiClient, type FetchFn } from './api-client.js';
import { COMMANDS } from './commands/index.js';
import type { Command, CommandContext, Input, InterruptSource, Output, SelfCommand } from './context.js';
import { stringFlag } from './context.js';
import {
  configDir, createCredentialStore, notLoggedInError, resolveSession,
  type CliEnv, type CredentialFs, type Session,
} from './credentials.js';
import { CliError, isCliError, usageError } from './errors.js';
import { appNameFromGitUrl, DEFAULT_REMOTE, remoteUrl, type GitRunner } from './git-remote.js';
import { commandHelp, commandList } from './help.js';
import { closest } from '../server/domain/suggest.js';

export interface CliDeps {
  /** Arguments after `paas`. */
  argv: readonly string[];
  env: CliEnv;
  cwd: string;
  homedir: string;
  fetch: FetchFn;
  fs: CredentialFs;
  git: GitRunner;
  stdout: Output;
  stderr: Output;
  input: Input;
  self: SelfCommand;
  /** The command table; tests may pass their own. */
  commands?: readonly Command[];
  userAgent?: string;
  /** Ctrl-C for streaming commands; without it they run until the stream ends. */
  onInterrupt?: InterruptSource;
  /** Opens a URL in a browser; without it `paas open` only prints the URL. */
  openUrl?: (url: string) => Promise<boolean>;
}

export async function runCli(deps: CliDeps): Promise<number> {
  const commands = deps.commands ?? COMMANDS;
  try {
    await dispatch(deps, commands);
    return 0;
  } catch (err) {
    printError(deps.stderr, err);
    return isCliError(err) ? err.exitCode : 1;
  }
}

export function findCommand(commands: readonly Command[], name: string): Command | undefined {
  return commands.find((c) => c.name === name || c.aliases?.includes(name));
}

async function dispatch(deps: CliDeps, commands: readonly Command[]): Promise<void> {
  const [name, ...rest] = deps.argv;
  if (name === undefined || name === '--help' || name === '-h') {
    deps.stdout.write(commandList(commands));
    return;
  }
  if (name.startsWith('-')) {
    throw usageError(`Expected a command before ${name}`, 'Commands come first: paas COMMAND [flags], e.g. paas config --app my-app. See: paas help');
  }
  const command = findCommand(commands, name);
  if (!command) throw unknownCommand(name, commands);

  const { flags, positionals } = parseFlags(rest, commandFlags(command), command.name);
  if (flags.help === true) {
    deps.stdout.write(commandHelp(command, commands));
    return;
  }
  checkArgumentCount(command, positionals);
  await command.run(makeContext(deps, commands, command, flags, positionals));
}

function unknownCommand(name: string, commands: readonly Command[]): CliError {
  const names = commands.filter((c) => !c.hidden).flatMap((c) => [c.name, ...(c.aliases ?? [])]);
  const guess = closest(name, names);
  const target = guess === undefined ? undefined : findCommand(commands, guess)?.name;
  return usageError(`"${name}" is not a paas command`, target ? `Did you mean "paas ${target}"? See all commands with: paas help` : 'See all commands with: paas help');
}

function checkArgumentCount(command: Command, positionals: readonly string[]): void {
  const { min, max } = command.args ?? { min: 0, max: 0 };
  const usage = `Usage: paas ${command.name}${command.usage ? ` ${command.usage}` : ''} (see: paas help ${command.name})`;
  if (positionals.length < min) {
    throw usageError(`paas ${command.name} needs ${command.usage ?? 'more arguments'}`, usage);
  }
  if (positionals.length > max) {
    const extra = positionals[max]!;
    throw usageError(`Unexpected argument "${extra}" for paas ${command.name}`, usage);
  }
}

function makeContext(
  deps: CliDeps,
  commands: readonly Command[],
  command: Command,
  flags: Record<string, string | boolean>,
  args: readonly string[],
): CommandContext {
  const credentials = createCredentialStore({ fs: deps.fs, dir: configDir(deps.env, deps.homedir) });
  let sessionPromise: Promise<Session | undefined> | undefined;
  const session = () => (sessionPromise ??= credentials.load().then((stored) => resolveSession(stored, deps.env)));
  const clientFor = (get: () => Promise<Session>) =>
    createApiClient({ fetch: deps.fetch, session: get, ...(deps.userAgent ? { userAgent: deps.userAgent } : {}) });
  const remoteName = stringFlag(flags, 'remote') ?? DEFAULT_REMOTE;

  return {
    command,
    args,
    flags,
    out: deps.stdout,
    err: deps.stderr,
    api: clientFor(async () => {
      const current = await session();
      if (!current) throw notLoggedInError(deps.env);
      return current;
    }),
    connect: (s) => clientFor(async () => s),
    session,
    credentials,
    resolveApp: () => resolveApp({ git: deps.git, cwd: deps.cwd, app: stringFlag(flags, 'app'), remote: stringFlag(flags, 'remote') }),
    remoteName,
    git: deps.git,
    cwd: deps.cwd,
    input: deps.input,
    self: deps.self,
    showHelp: (name) => {
      if (name === undefined) return deps.stdout.write(commandList(commands));
      const target = findCommand(commands, name);
      if (!target) throw unknownCommand(name, commands);
      deps.stdout.write(commandHelp(target, commands));
    },
    onInterrupt: deps.onInterrupt ?? (() => () => undefined),
    openUrl: deps.openUrl ?? (async () => false),
  };
}

/** --app, else the app the git remote (--remote, default `paas`) points at. */
export async function resolveApp(options: { git: GitRunner; cwd: string; app?: string | undefined; remote?: string | undefined }): Promise<string> {
  if (options.app !== undefined) {
    if (options.app.trim() === '') throw usageError('--app needs an app name', 'e.g. --app my-app; see your apps with: paas apps');
    return options.app;
  }
  const remote = options.remote ?? DEFAULT_REMOTE;
  const url = await remoteUrl(options.git, options.cwd, remote);
  const name = url === undefined ? undefined : appNameFromGitUrl(url);
  if (name !== undefined) return name;
  if (url !== undefined) {
    throw new CliError('NO_APP', `The git remote "${remote}" (${url}) does not name an app`, { hint: 'Pass --app NAME, or fix the remote with: paas git:remote --app NAME' });
  }
  if (options.remote !== undefined) {
    throw new CliError('NO_APP', `No git remote "${remote}" in this directory`, { hint: 'Pass --app NAME, or check the remote name with: git remote -v' });
  }
  throw new CliError('NO_APP', 'No app given, and no "paas" git remote in this directory to find one', {
    hint: 'Pass --app NAME, or run "paas apps:create" (new app) or "paas git:remote --app NAME" (existing app) inside the app\'s git repository.',
  });
}

export function printError(stderr: Output, err: unknown): void {
  if (isCliError(err)) {
    stderr.line(`Error: ${err.message}`);
    if (err.hint) stderr.line(`Hint: ${err.hint}`);
    return;
  }
  stderr.line(`Error: ${err instanceof Error ? err.message : String(err)}`);
}
