/**
 * Connecting a local git repository to an app: the `paas` remote and the
 * credential helper (`git:remote`, also done by `apps:create`), and the
 * hidden `git-credential` command git calls back to get the token.
 */
import type { App } from '../api-types.js';
import type { Command, CommandContext, Output } from '../context.js';
import { serverOrigin } from '../credentials.js';
import { CliError } from '../errors.js';
import { credentialAnswer, parseCredentialRequest } from '../git-credential.js';
import { configureCredentialHelper, credentialHelperCommand, isInsideWorkTree, upsertRemote } from '../git-remote.js';

/**
 * Points the remote at the app and registers the credential helper for the
 * app's git server. Returns false, having changed nothing, outside a repo.
 */
export async function linkRepository(ctx: CommandContext, app: App, out: Output): Promise<boolean> {
  if (!(await isInsideWorkTree(ctx.git, ctx.cwd))) return false;
  const result = await upsertRemote(ctx.git, ctx.cwd, ctx.remoteName, app.gitUrl);
  await configureCredentialHelper(ctx.git, ctx.cwd, serverOrigin(app.gitUrl), credentialHelperCommand(ctx.self));
  if (result.change === 'updated') {
    // Say so loudly: `git push paas` now deploys somewhere else than before.
    out.line(`Git remote ${ctx.remoteName} now points at ${app.gitUrl} (was ${result.previous})`);
  } else {
    out.line(`Git remote ${ctx.remoteName} ${result.change === 'added' ? 'added' : 'already set'}: ${app.gitUrl}`);
  }
  out.line(`Deploy with: git push ${ctx.remoteName} main`);
  return true;
}

export const gitRemote: Command = {
  name: 'git:remote',
  summary: 'point the paas git remote of this repository at an app',
  description: [
    'For an app that already exists (e.g. one you were added to with access:add): adds or updates the git',
    'remote and lets git authenticate with your paas login, so "git push paas main" deploys.',
  ].join('\n'),
  appScoped: true,
  examples: ['paas git:remote --app my-app', 'paas git:remote --app my-app --remote staging'],
  async run(ctx) {
    const app = await ctx.api.getApp(await ctx.resolveApp());
    if (!(await linkRepository(ctx, app, ctx.out))) {
      throw new CliError('GIT_FAILED', `${ctx.cwd} is not inside a git repository`, {
        hint: `Run this in your app's repository (or "git init" first), or add the remote yourself: git remote add ${ctx.remoteName} ${app.gitUrl}`,
      });
    }
  },
};

export const gitCredential: Command = {
  name: 'git-credential',
  summary: 'git credential helper (called by git, not by people)',
  usage: 'get|store|erase',
  description: 'Answers git\'s credential requests for the paas server with the stored token (gitcredentials(7)). "store" and "erase" do nothing: the login is managed with paas login/logout.',
  args: { min: 1, max: 1 },
  hidden: true,
  async run(ctx) {
    // Always read the request: git writes it whatever the operation.
    const request = parseCredentialRequest(await ctx.input.readAll());
    if (ctx.args[0] !== 'get') return;
    // A helper that fails makes git print our error mid-push; staying silent
    // lets git fall back to asking, which says more.
    const session = await ctx.session().catch(() => undefined);
    ctx.out.write(credentialAnswer(request, session));
  },
};
