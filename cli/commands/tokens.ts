/**
 * tokens, tokens:create, tokens:revoke: the caller's own API tokens.
 * A new token's secret goes alone to stdout (`TOKEN=$(paas tokens:create)`),
 * the words around it to stderr.
 */
import type { Command } from '../context.js';
import { booleanFlag, stringFlag } from '../context.js';
import { tokenId } from '../credentials.js';
import { parseDuration } from '../duration.js';
import { formatDate, json, table } from '../format.js';

export const tokens: Command = {
  name: 'tokens',
  summary: 'list your API tokens (never their secrets)',
  json: true,
  async run(ctx) {
    const list = await ctx.api.listTokens();
    if (booleanFlag(ctx.flags, 'json')) return ctx.out.write(json(list));
    const session = await ctx.session();
    const current = session ? tokenId(session.token) : undefined;
    ctx.out.write(table(list, [
      { header: 'ID', value: (t) => (t.id === current ? `${t.id} *` : t.id) },
      { header: 'Description', value: (t) => t.description },
      { header: 'Created', value: (t) => formatDate(t.createdAt) },
      { header: 'Last used', value: (t) => formatDate(t.lastUsedAt, 'never') },
      { header: 'Expires', value: (t) => formatDate(t.expiresAt, 'never') },
    ]));
    if (list.some((t) => t.id === current)) ctx.out.line('* the token this CLI uses');
  },
};

export const tokensCreate: Command = {
  name: 'tokens:create',
  summary: 'create an API token (e.g. for CI)',
  json: true,
  flags: [
    { name: 'description', short: 'd', type: 'string', valueName: 'TEXT', description: 'what the token is for' },
    { name: 'expires-in', type: 'string', valueName: 'DURATION', description: 'lifetime, e.g. 30d, 12h, 1w (default: never expires)' },
  ],
  examples: ['paas tokens:create --description "CI deploys" --expires-in 90d', 'TOKEN=$(paas tokens:create -d ci)'],
  async run(ctx) {
    const description = stringFlag(ctx.flags, 'description');
    const expiresIn = stringFlag(ctx.flags, 'expires-in');
    const created = await ctx.api.createToken({
      ...(description === undefined ? {} : { description }),
      ...(expiresIn === undefined ? {} : { expiresIn: parseDuration(expiresIn) }),
    });
    if (booleanFlag(ctx.flags, 'json')) return ctx.out.write(json(created));
    ctx.err.line(`Created token ${created.id} (expires: ${formatDate(created.expiresAt, 'never')}). It is shown only once; keep it safe:`);
    ctx.out.line(created.token);
  },
};

export const tokensRevoke: Command = {
  name: 'tokens:revoke',
  summary: 'revoke an API token',
  usage: 'ID',
  args: { min: 1, max: 1 },
  json: true,
  async run(ctx) {
    const id = ctx.args[0]!;
    const session = await ctx.session();
    const revoked = await ctx.api.revokeToken(id);
    if (booleanFlag(ctx.flags, 'json')) return ctx.out.write(json(revoked));
    ctx.out.line(`Revoked token ${revoked.id}`);
    if (session && tokenId(session.token) === revoked.id) {
      ctx.err.line('That was the token this CLI was using. Log in again with: paas login');
    }
  },
};
