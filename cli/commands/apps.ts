/** apps, apps:create, apps:info, apps:destroy, open. */
import type { Command } from '../context.js';
import { booleanFlag, stringFlag } from '../context.js';
import { CliError, usageError } from '../errors.js';
import { formatDate, heading, json, keyValues, table } from '../format.js';
import { appNameFromGitUrl, remoteUrl, removeRemote } from '../git-remote.js';
import { linkRepository } from './git.js';

export const apps: Command = {
  name: 'apps',
  aliases: ['apps:list'],
  summary: 'list the apps you own or collaborate on',
  json: true,
  async run(ctx) {
    const list = await ctx.api.listApps();
    if (booleanFlag(ctx.flags, 'json')) return ctx.out.write(json(list));
    if (list.length === 0) {
      ctx.out.line('You have no apps yet. Create one with: paas apps:create');
      return;
    }
    ctx.out.write(table(list, [
      { header: 'Name', value: (a) => a.name },
      { header: 'Owner', value: (a) => a.owner },
      { header: 'Web URL', value: (a) => a.webUrl },
    ]));
  },
};

export const appsCreate: Command = {
  name: 'apps:create',
  aliases: ['create'],
  summary: 'create an app (and its git remote, in a git repository)',
  usage: '[NAME]',
  description: [
    'Creates an app; without NAME the server picks one (e.g. swift-otter-4821).',
    'Inside a git repository it adds the "paas" remote (or updates it) and lets git',
    'authenticate with your paas login, so "git push paas main" deploys.',
  ].join('\n'),
  args: { min: 0, max: 1 },
  flags: [{ name: 'remote', short: 'r', type: 'string', valueName: 'REMOTE', description: 'name of the git remote to add (default: paas)' }],
  json: true,
  examples: ['paas apps:create', 'paas apps:create my-app', 'paas apps:create my-app-staging --remote staging'],
  async run(ctx) {
    const app = await ctx.api.createApp(ctx.args[0]);
    const asJson = booleanFlag(ctx.flags, 'json');
    // With --json, stdout holds only the JSON; the story goes to stderr.
    const story = asJson ? ctx.err : ctx.out;
    if (asJson) ctx.out.write(json(app));
    story.line(`Created app ${app.name}`);
    story.write(keyValues([['Web URL', app.webUrl], ['Git URL', app.gitUrl]]));
    if (!(await linkRepository(ctx, app, story))) {
      story.line(`Not in a git repository. To deploy, run "paas git:remote --app ${app.name}" in your app's repository.`);
    }
  },
};

export const appsInfo: Command = {
  name: 'apps:info',
  aliases: ['info'],
  summary: 'show an app',
  appScoped: true,
  json: true,
  async run(ctx) {
    const app = await ctx.api.getApp(await ctx.resolveApp());
    if (booleanFlag(ctx.flags, 'json')) return ctx.out.write(json(app));
    ctx.out.write(heading(app.name));
    ctx.out.write(keyValues([
      ['Owner', app.owner],
      ['Created', formatDate(app.createdAt)],
      ['Git URL', app.gitUrl],
      ['Web URL', app.webUrl],
    ]));
  },
};

export const appsDestroy: Command = {
  name: 'apps:destroy',
  aliases: ['destroy'],
  summary: 'permanently destroy an app',
  usage: '[NAME]',
  description: 'Deletes the app, its releases, config and running processes. Needs --confirm with the app\'s name, so a script cannot destroy the wrong app by accident.',
  args: { min: 0, max: 1 },
  appScoped: true,
  flags: [{ name: 'confirm', type: 'string', valueName: 'NAME', description: 'the app\'s name again, to confirm' }],
  examples: ['paas apps:destroy --app my-app --confirm my-app'],
  async run(ctx) {
    const positional = ctx.args[0];
    const flagged = stringFlag(ctx.flags, 'app');
    if (positional !== undefined && flagged !== undefined && positional !== flagged) {
      throw usageError(`Two different apps given: "${positional}" and --app "${flagged}"`, 'Give the app once.');
    }
    const name = positional ?? (await ctx.resolveApp());
    if (stringFlag(ctx.flags, 'confirm') !== name) {
      throw new CliError('CONFIRMATION_REQUIRED', `This destroys ${name} with its releases, config and processes, and cannot be undone`, {
        hint: `To proceed, run: paas apps:destroy --app ${name} --confirm ${name}`,
      });
    }
    await ctx.api.destroyApp(name);
    ctx.out.line(`Destroyed app ${name}`);
    // The remote would now point at nothing (Heroku removes it too).
    const url = await remoteUrl(ctx.git, ctx.cwd, ctx.remoteName);
    if (url !== undefined && appNameFromGitUrl(url) === name) {
      await removeRemote(ctx.git, ctx.cwd, ctx.remoteName);
      ctx.out.line(`Removed git remote ${ctx.remoteName}`);
    }
  },
};

export const open: Command = {
  name: 'open',
  summary: "print the app's web URL (and open it in a browser on a terminal)",
  appScoped: true,
  json: true,
  examples: ['paas open', 'curl "$(paas open -a my-app)"'],
  async run(ctx) {
    const app = await ctx.api.getApp(await ctx.resolveApp());
    if (booleanFlag(ctx.flags, 'json')) return ctx.out.write(json({ name: app.name, webUrl: app.webUrl }));
    // The URL alone on stdout, so `curl "$(paas open)"` works; whether a
    // browser opened is for the person at the terminal.
    ctx.out.line(app.webUrl);
    if (await ctx.openUrl(app.webUrl)) ctx.err.line(`Opening ${app.webUrl} in your browser`);
  },
};
