/**
 * POST <app>.git/git-receive-pack: a push. Reads the command list, decides
 * per ref (push-policy.ts), takes the app's push lock, streams the pack into
 * a quarantine, indexes and checks it, runs the build with its output on
 * side-band 2, and only if the build succeeds promotes the pack and moves
 * main. Every path out releases the lock and removes the quarantine.
 * Spec: git Documentation/gitprotocol-pack.txt, "Pushing Data To a Server";
 * gitprotocol-http.txt, "Smart Service git-receive-pack".
 */
import type { Request, Response } from 'express';
import { isPaasError } from '../errors.js';
import { GitService } from './advertisement.js';
import { GitResponse } from './git-response.js';
import { verifyPushedObjects } from './pushed-objects.js';
import type { PushLocks } from './push-locks.js';
import { planPush, staleReason } from './push-policy.js';
import { parseReceivePackRequest, type RefCommand } from './receive-pack-request.js';
import { MAIN_REF } from './ref-names.js';
import { encodeReportResponse, type ReportStatus } from './report-status.js';
import { readMain, writeRef } from './repository.js';
import { BodyReader, decodedBody } from './request-body.js';
import { createQuarantine, promoteQuarantine, removeQuarantine, removeStaleQuarantines, type Quarantine } from './quarantine.js';
import type { GitRouterOptions, PushOutcome } from './types.js';

export interface ReceivePackContext<User> {
  req: Request;
  res: Response;
  app: string;
  user: User;
  gitdir: string;
  options: GitRouterOptions<User>;
  locks: PushLocks;
}

/** After the limit, we read (and drop) up to this much more so git can still be told why, then hang up. */
const DISCARD_ALLOWANCE = 64 * 1024 * 1024;

type Verdict = { unpack: ReportStatus['unpack']; reason?: string };

/** Thrown when the body is too large even to drain: there is no one left to answer. */
class HangUp extends Error {}

export async function serveReceivePack<User>(ctx: ReceivePackContext<User>): Promise<void> {
  const { req, res, options } = ctx;
  const body = new BodyReader(decodedBody(req), options.maxPushBytes);
  const section = await body.readPktSection();
  if (section.length === 0) {
    // git's probe before a large push ("0000"), or nothing to do.
    await body.discardRest(64 * 1024);
    new GitResponse(res, GitService.receivePack, false).end();
    return;
  }
  const request = parseReceivePackRequest(section);
  const response = new GitResponse(res, GitService.receivePack, request.capabilities.has('side-band-64k'));
  const plan = planPush(request);
  const abort = new AbortController();
  const onClose = (): void => {
    if (!res.writableFinished) abort.abort(new Error('the client disconnected'));
  };
  res.on('close', onClose);
  try {
    const limit = options.maxPushBytes + Math.max(options.maxPushBytes, DISCARD_ALLOWANCE);
    let verdict: Verdict = { unpack: 'ok' };
    if (plan.deploy) {
      try {
        verdict = await deploy(ctx, { body, response, command: plan.deploy, signal: abort.signal, limit });
      } catch (err) {
        if (err instanceof HangUp || abort.signal.aborted) throw err;
        if (!isPaasError(err)) options.log(`git: ${ctx.app}: push failed: ${describe(err)}`);
        const reason = isPaasError(err) ? err.message : 'internal server error (the server logged it); push again or ask an operator';
        verdict = { unpack: { error: reason }, reason };
      }
    } else if (!(await body.discardRest(limit))) {
      throw new HangUp();
    }
    const refs = request.commands.map((command) => {
      const reason = plan.refused.get(command) ?? (command === plan.deploy ? verdict.reason : undefined);
      return reason === undefined ? { ref: command.ref, ok: true as const } : { ref: command.ref, ok: false as const, reason };
    });
    response.end(encodeReportResponse({ unpack: verdict.unpack, refs }, response.sideBand));
  } catch (err) {
    if (!(err instanceof HangUp) && !abort.signal.aborted) throw err;
    res.destroy();
  } finally {
    res.off('close', onClose);
  }
}

interface DeployStep {
  body: BodyReader;
  response: GitResponse;
  command: RefCommand;
  signal: AbortSignal;
  limit: number;
}

async function deploy<User>(ctx: ReceivePackContext<User>, step: DeployStep): Promise<Verdict> {
  const { app, gitdir } = ctx;
  const release = ctx.locks.tryAcquire(app);
  if (!release) {
    await drain(step);
    const reason = `another deploy of ${app} is in progress; wait for it to finish, then push again`;
    step.response.progress(reason);
    return { unpack: 'ok', reason };
  }
  try {
    await removeStaleQuarantines(gitdir);
    const current = await readMain(gitdir);
    const stale = staleReason(step.command, current);
    if (stale) {
      await drain(step);
      return { unpack: 'ok', reason: stale };
    }
    const quarantine = await createQuarantine(gitdir);
    try {
      return await receiveAndBuild(ctx, step, quarantine, current);
    } finally {
      await removeQuarantine(quarantine);
    }
  } finally {
    release();
  }
}

async function receiveAndBuild<User>(ctx: ReceivePackContext<User>, step: DeployStep, quarantine: Quarantine, current: string | undefined): Promise<Verdict> {
  const { response, command, signal } = step;
  let packBytes: number;
  try {
    packBytes = await step.body.writeRestTo(quarantine.incomingPack);
  } catch (err) {
    if (!isPaasError(err) || err.code !== 'PAYLOAD_TOO_LARGE') throw err;
    await drain(step);
    response.progress(`${err.message}. ${err.hint ?? ''}`.trim());
    return { unpack: { error: err.message }, reason: err.message };
  }
  response.start();

  const checked = await verifyPushedObjects({ quarantine, repoGitdir: ctx.gitdir, newOid: command.newOid, packBytes, signal });
  if (!checked.ok) return { unpack: { error: checked.error }, reason: checked.error };
  // The first phase header of a push: what arrived, before the build's own headers.
  response.progress(`-----> Received ${command.newOid.slice(0, 7)} (${formatKiB(packBytes)} pack)`);

  const outcome = await runBuild(ctx, { command, current, quarantine, response, signal });
  if (!outcome.ok) {
    for (const line of outcome.logTail ?? []) response.progress(line);
    return { unpack: 'ok', reason: outcome.reason };
  }
  try {
    if (checked.checksum) await promoteQuarantine(quarantine, ctx.gitdir, checked.checksum);
    await writeRef(ctx.gitdir, MAIN_REF, command.newOid);
  } catch (err) {
    ctx.options.log(`git: ${ctx.app}: storing pushed objects failed after a successful build: ${describe(err)}`);
    return { unpack: 'ok', reason: 'the build succeeded but the server could not store the pushed commit; push again' };
  }
  for (const line of [outcome.message ?? []].flat()) response.progress(line);
  return { unpack: 'ok' };
}

interface BuildStep {
  command: RefCommand;
  current: string | undefined;
  quarantine: Quarantine;
  response: GitResponse;
  signal: AbortSignal;
}

async function runBuild<User>(ctx: ReceivePackContext<User>, step: BuildStep): Promise<PushOutcome> {
  try {
    return await ctx.options.onPush({
      app: ctx.app,
      user: ctx.user,
      ref: MAIN_REF,
      pushedRef: step.command.ref,
      oldOid: step.current,
      newOid: step.command.newOid,
      gitdir: step.quarantine.gitdir,
      repoGitdir: ctx.gitdir,
      progress: (line) => step.response.progress(line),
      signal: step.signal,
    });
  } catch (err) {
    if (isPaasError(err)) return { ok: false, reason: err.message, logTail: err.hint ? [err.hint] : [] };
    ctx.options.log(`git: ${ctx.app}: build of ${step.command.newOid} failed: ${describe(err)}`);
    return { ok: false, reason: 'internal error during the build (the server logged it); push again or ask an operator' };
  }
}

async function drain(step: DeployStep): Promise<void> {
  if (!(await step.body.discardRest(step.limit))) throw new HangUp();
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

function formatKiB(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KiB` : `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
