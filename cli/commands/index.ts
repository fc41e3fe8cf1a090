/**
 * The command table: the one list that both dispatch (run.ts) and help
 * (help.ts) read. Order here is the order in `paas help`.
 *
 * Adding a command: write it in a file of its topic (commands/<topic>.ts)
 * as a `Command`, add the API call to api-client.ts, and list it here.
 */
import type { Command } from '../context.js';
import { access, accessAdd, accessRemove } from './access.js';
import { apps, appsCreate, appsDestroy, appsInfo, open } from './apps.js';
import { login, logout, whoami } from './auth.js';
import { builds, buildsInfo } from './builds.js';
import { config, configGet, configSet, configUnset } from './config.js';
import { gitCredential, gitRemote } from './git.js';
import { healthchecks, healthchecksSet } from './healthchecks.js';
import { logs } from './logs.js';
import { ps, psRestart, psScale } from './ps.js';
import { releases, releasesInfo, releasesRollback } from './releases.js';
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
  open, logs,
  config, configGet, configSet, configUnset,
  builds, buildsInfo,
  releases, releasesInfo, releasesRollback,
  ps, psScale, psRestart,
  healthchecks, healthchecksSet,
  access, accessAdd, accessRemove,
  gitRemote,
  tokens, tokensCreate, tokensRevoke,
  users, usersCreate, usersRemove,
  help,
  gitCredential,
];
