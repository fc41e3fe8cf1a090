/**
 * The shapes every command is written against. A command is one entry in the
 * table in commands/index.ts: its name, what it takes and a `run(ctx)`. The
 * context carries everything effectful (API, output, git, credentials,
 * terminal input) so a command can run against an in-memory context in tests
 * and against the real world from main.ts.
 */
import type { ApiClient } from './api-client.js';
import type { CredentialStore, Session } from './credentials.js';
import type { GitRunner } from './git-remote.js';

export interface FlagSpec {
  name: string;
  /** One-letter alias, e.g. `a` for `--app`. */
  short?: string;
  type: 'string' | 'boolean';
  /** Shown in help after the flag: `--confirm NAME`. */
  valueName?: string;
  description: string;
}

/** Parsed flags: string flags hold their value, boolean flags `true`. */
export type FlagValues = Readonly<Record<string, string | boolean | undefined>>;

export interface Command {
  /** `topic` or `topic:action`, Heroku style. */
  name: string;
  /** Other names that run this command (`create` for `apps:create`). */
  aliases?: string[];
  /** One line for the command list. */
  summary: string;
  /** Positional arguments as shown in help, e.g. `KEY=VALUE...`. */
  usage?: string;
  /** Paragraphs shown by `paas help COMMAND`. */
  description?: string;
  examples?: string[];
  /** How many positional arguments are accepted; `max: Infinity` for lists. */
  args?: { min: number; max: number };
  flags?: FlagSpec[];
  /** Adds --app/-a and --remote/-r; `ctx.resolveApp()` uses them. */
  appScoped?: boolean;
  /** Adds --json: print the API's JSON instead of the human view. */
  json?: boolean;
  /** Left out of `paas help` (e.g. the git credential helper). */
  hidden?: boolean;
  run(ctx: CommandContext): Promise<void>;
}

export interface Output {
  /** Writes text as is. */
  write(text: string): void;
  /** Writes text and a newline. */
  line(text?: string): void;
}

/** Reading from the user: a terminal prompt or piped stdin. */
export interface Input {
  /** True when stdin is a terminal someone can type into. */
  isTTY: boolean;
  /** Everything piped to stdin, up to EOF. */
  readAll(): Promise<string>;
  /** Asks on the terminal; `secret` answers are not echoed. */
  ask(question: string, options?: { secret?: boolean }): Promise<string>;
}

/** Where the running CLI lives, so git can call it back as a credential helper. */
export interface SelfCommand {
  node: string;
  script: string;
}

export interface CommandContext {
  /** The command being run (for messages that name it). */
  command: Command;
  args: readonly string[];
  flags: FlagValues;
  out: Output;
  err: Output;
  /** The API as the logged-in user; requests fail with "run paas login" when there is no login. */
  api: ApiClient;
  /** An API client for a session other than the stored one (login uses it to verify). */
  connect(session: Session): ApiClient;
  /** The stored (or env-given) session, if any. */
  session(): Promise<Session | undefined>;
  credentials: CredentialStore;
  /** --app, else the app the git remote points at, else a CliError saying what to do. */
  resolveApp(): Promise<string>;
  /** The git remote name: --remote or `paas`. */
  remoteName: string;
  git: GitRunner;
  cwd: string;
  input: Input;
  self: SelfCommand;
  /** Prints help for a command (or the command list when undefined). */
  showHelp(name?: string): void;
  /**
   * Calls `handler` on Ctrl-C (SIGINT) instead of ending the process, until
   * the returned function is called. For commands that stream (logs --tail).
   */
  onInterrupt(handler: () => void): () => void;
  /** Opens a URL in a browser when that makes sense (a terminal with an opener); false when it did not. */
  openUrl(url: string): Promise<boolean>;
}

/** Registers a Ctrl-C handler; returns its removal. */
export type InterruptSource = (handler: () => void) => () => void;

export function stringFlag(flags: FlagValues, name: string): string | undefined {
  const value = flags[name];
  return typeof value === 'string' ? value : undefined;
}

export function booleanFlag(flags: FlagValues, name: string): boolean {
  return flags[name] === true;
}
