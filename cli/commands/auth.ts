/** login, logout, whoami: the stored session. */
import type { Command, CommandContext } from '../context.js';
import { booleanFlag, stringFlag } from '../context.js';
import { normalizeServerUrl } from '../credentials.js';
import { CliError, isCliError, usageError } from '../errors.js';
import { json } from '../format.js';

export const login: Command = {
  name: 'login',
  summary: 'log in to a paas server with an API token',
  description: [
    'Asks for the server URL and an API token (an admin gives you one with "paas users:create").',
    'The token may also come from --token or, when stdin is not a terminal, from stdin.',
    'It is checked with the server, then stored in the config directory (credentials.json, mode 0600).',
  ].join('\n'),
  flags: [
    { name: 'server', short: 's', type: 'string', valueName: 'URL', description: 'paas API URL, e.g. https://paas.example.com' },
    { name: 'token', type: 'string', valueName: 'TOKEN', description: 'API token (prefer stdin: command lines end up in shell history)' },
  ],
  examples: [
    'paas login',
    'paas login --server http://127.0.0.1:5000 < token.txt',
    'echo "$PAAS_TOKEN" | paas login --server https://paas.example.com',
  ],
  async run(ctx) {
    const stored = await ctx.credentials.load().catch(() => undefined);
    const server = normalizeServerUrl(await askServer(ctx, stored?.server));
    const token = await askToken(ctx);
    let email: string;
    try {
      email = (await ctx.connect({ server, token, source: 'file' }).whoami()).email;
    } catch (err) {
      if (isCliError(err) && err.status === 401) {
        throw new CliError('UNAUTHORIZED', `The server at ${server} did not accept this token: ${err.message}`, {
          hint: 'Check that you pasted the whole token (paas_…). An admin can give you a new one with "paas users:create" or you can make one with "paas tokens:create".',
        });
      }
      throw err;
    }
    await ctx.credentials.save({ server, token, email });
    ctx.out.line(`Logged in to ${server} as ${email}`);
  },
};

async function askServer(ctx: CommandContext, storedServer: string | undefined): Promise<string> {
  const flag = stringFlag(ctx.flags, 'server');
  if (flag !== undefined) return flag;
  if (ctx.input.isTTY) {
    const answer = (await ctx.input.ask(storedServer ? `Server URL [${storedServer}]: ` : 'Server URL: ')).trim();
    if (answer !== '') return answer;
  }
  if (storedServer !== undefined) return storedServer;
  throw usageError('No server URL given', 'Pass it with: paas login --server URL');
}

async function askToken(ctx: CommandContext): Promise<string> {
  const flag = stringFlag(ctx.flags, 'token');
  let token: string;
  if (flag !== undefined) {
    token = flag;
  } else if (ctx.input.isTTY) {
    token = await ctx.input.ask('Token: ', { secret: true });
  } else {
    // Piped: the first non-empty line, so `echo token |` and files with a trailing newline both work.
    token = (await ctx.input.readAll()).split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  }
  token = token.trim();
  if (token === '') throw usageError('No token given', 'Type it when asked, pipe it on stdin, or pass --token TOKEN.');
  return token;
}

export const logout: Command = {
  name: 'logout',
  summary: 'forget the stored login',
  description: 'Deletes the stored credentials. The token itself stays valid: revoke it with "paas tokens:revoke ID" first if it should stop working.',
  async run(ctx) {
    const removed = await ctx.credentials.remove();
    ctx.out.line(removed ? `Logged out of ${removed.server}` : 'Not logged in; nothing to do.');
  },
};

export const whoami: Command = {
  name: 'whoami',
  summary: 'show the email of the logged-in user',
  json: true,
  async run(ctx) {
    const me = await ctx.api.whoami();
    if (booleanFlag(ctx.flags, 'json')) return ctx.out.write(json(me));
    ctx.out.line(me.email);
  },
};
