/** users, users:create, users:remove: admin-only account management. */
import type { Command } from '../context.js';
import { booleanFlag } from '../context.js';
import { formatDate, json, table } from '../format.js';

export const users: Command = {
  name: 'users',
  summary: 'list users (admin)',
  json: true,
  async run(ctx) {
    const list = await ctx.api.listUsers();
    if (booleanFlag(ctx.flags, 'json')) return ctx.out.write(json(list));
    ctx.out.write(table(list, [
      { header: 'Email', value: (u) => u.email },
      { header: 'Admin', value: (u) => (u.admin ? 'yes' : '') },
      { header: 'Created', value: (u) => formatDate(u.createdAt) },
    ]));
  },
};

export const usersCreate: Command = {
  name: 'users:create',
  summary: 'create a user and their first token (admin)',
  usage: 'EMAIL',
  description: 'Prints the new user\'s first API token on stdout (shown only once). Hand it to them; they log in with "paas login".',
  args: { min: 1, max: 1 },
  json: true,
  flags: [{ name: 'admin', type: 'boolean', description: 'make the user an admin' }],
  async run(ctx) {
    const created = await ctx.api.createUser(ctx.args[0]!, booleanFlag(ctx.flags, 'admin'));
    if (booleanFlag(ctx.flags, 'json')) return ctx.out.write(json(created));
    const session = await ctx.session();
    ctx.err.line(`Created ${created.user.admin ? 'admin' : 'user'} ${created.user.email}. Their token (shown only once) is below.`);
    ctx.err.line(`They log in with: paas login${session ? ` --server ${session.server}` : ''}`);
    ctx.out.line(created.token.token);
  },
};

export const usersRemove: Command = {
  name: 'users:remove',
  summary: 'remove a user and their tokens (admin)',
  usage: 'EMAIL',
  args: { min: 1, max: 1 },
  json: true,
  async run(ctx) {
    const removed = await ctx.api.removeUser(ctx.args[0]!);
    if (booleanFlag(ctx.flags, 'json')) return ctx.out.write(json(removed));
    ctx.out.line(`Removed user ${removed.email}`);
  },
};
