/** access, access:add, access:remove: an app's collaborators. */
import type { Command } from '../context.js';
import { booleanFlag } from '../context.js';
import { formatDate, json, table } from '../format.js';

export const access: Command = {
  name: 'access',
  summary: 'list who can use an app',
  appScoped: true,
  json: true,
  async run(ctx) {
    const app = await ctx.resolveApp();
    const people = await ctx.api.listCollaborators(app);
    if (booleanFlag(ctx.flags, 'json')) return ctx.out.write(json(people));
    ctx.out.write(table(people, [
      { header: 'Email', value: (p) => p.email },
      { header: 'Role', value: (p) => p.role },
      { header: 'Since', value: (p) => formatDate(p.createdAt) },
    ]));
  },
};

export const accessAdd: Command = {
  name: 'access:add',
  summary: 'let another user deploy and configure an app',
  usage: 'EMAIL',
  args: { min: 1, max: 1 },
  appScoped: true,
  json: true,
  async run(ctx) {
    const app = await ctx.resolveApp();
    const added = await ctx.api.addCollaborator(app, ctx.args[0]!);
    if (booleanFlag(ctx.flags, 'json')) return ctx.out.write(json(added));
    ctx.out.line(`Added ${added.email} to ${app} as a collaborator`);
    ctx.out.line(`They can link their clone with: paas git:remote --app ${app}`);
  },
};

export const accessRemove: Command = {
  name: 'access:remove',
  summary: "remove a collaborator from an app",
  usage: 'EMAIL',
  args: { min: 1, max: 1 },
  appScoped: true,
  json: true,
  async run(ctx) {
    const app = await ctx.resolveApp();
    const removed = await ctx.api.removeCollaborator(app, ctx.args[0]!);
    if (booleanFlag(ctx.flags, 'json')) return ctx.out.write(json(removed));
    ctx.out.line(`Removed ${removed.email} from ${app}`);
  },
};
