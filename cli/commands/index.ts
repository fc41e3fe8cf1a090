/**
 * The command table: the one list that both dispatch (run.ts) and help
 * (help.ts) read. Order here is the order in `paas help`.
 *
 * Adding a command: write it in a file of its topic (commands/<topic>.ts)
 * as a `Command`, add the API call to api-client.ts, and list it here.
 * Coming next, with the server endpoints they need (/v1/apps/:app/...):
 *   builds, builds:info                        (commands/builds.ts)    GET builds, builds/:id
 *   releases, releases:info, releases:rollback (commands/releases.ts)  GET releases, releases/:v, POST releases/rollback
 *   ps, ps:scale, ps:restart                   (commands/ps.ts)        GET ps, PATCH formation, POST restart
 *   logs                                       (commands/logs.ts)      GET logs (streaming: add a `stream` method to api-client)
 *   open                                       (commands/apps.ts)      webUrl from GET app; opener injected in main.ts
 *   healthchecks, healthchecks:set             (commands/healthchecks.ts) GET/PUT healthcheck
 */
import type { Command } from '../context.js';
import { access, accessAdd, accessRemove } from './access.js';
import { apps, appsCreate, appsDestroy, appsInfo } from './apps.js';
import { login, logout, whoami } from './auth.js';
import { config, configGet, configSet, configUnset } from './config.js';
import { gitCredential, gitRemote } from './git.js';
import { tokens, tokensCreate, tokensRevoke } from './tokens.js';
import { users, usersCreate, usersRemove } from './users.js';

const help: Command = {
  name: 'help',
  summary: 'list commands, or show the arguments and flags of one',
  usage: '[COMMAND]',
  args: { min: 0, max: 1 },
  async run(ctx) {
    ctx.showHelp(ctx.args[0]);
  },
};

export const COMMANDS: readonly Command[] = [
  login, logout, whoami,
  apps, appsCreate, appsInfo, appsDestroy,
  config, configGet, configSet, configUnset,
  access, accessAdd, accessRemove,
  gitRemote,
  tokens, tokensCreate, tokensRevoke,
  users, usersCreate, usersRemove,
  help,
  gitCredential,
];
