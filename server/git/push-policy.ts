/**
 * What a push may change. Only main deploys (master is accepted as its
 * alias, for repositories that still use that name); every other ref update
 * is refused with the command that would deploy instead. Force pushes are
 * fine: main is what runs, and the release history is the audit log. A push
 * made against a main that has moved since the client read it is stale.
 * Pure: commands in, verdicts out.
 */
import { isDelete, type ReceivePackRequest, type RefCommand } from './receive-pack-request.js';
import { shortOid, ZERO_OID } from './object-id.js';
import { BRANCH_PREFIX, MAIN_REF, MASTER_REF, refNameProblem, shortRefName, TAG_PREFIX } from './ref-names.js';

export const DEPLOY_HINT = 'git push paas HEAD:main';

export interface PushPlan {
  /** The one command that deploys, if any. */
  deploy?: RefCommand;
  /** Why each other command is refused (keyed by command: a ref may be named twice). */
  refused: Map<RefCommand, string>;
}

export function planPush(request: ReceivePackRequest): PushPlan {
  const plan: PushPlan = { refused: new Map() };
  for (const command of request.commands) {
    const reason = request.shallow.length > 0
      ? 'pushing from a shallow clone is not supported: run git fetch --unshallow, then push again'
      : refusal(command, plan.deploy);
    if (reason) plan.refused.set(command, reason);
    else plan.deploy = command;
  }
  return plan;
}

function refusal(command: RefCommand, deploy: RefCommand | undefined): string | undefined {
  const problem = refNameProblem(command.ref);
  if (problem) return `invalid ref name: ${problem}`;
  const isMain = command.ref === MAIN_REF || command.ref === MASTER_REF;
  if (isDelete(command)) {
    return isMain ? 'deleting main is not allowed: it is what the app runs' : `deleting refs is not allowed; only main deploys: ${DEPLOY_HINT}`;
  }
  if (isMain) return deploy ? 'push main or master, not both' : undefined;
  if (command.ref.startsWith(TAG_PREFIX)) return `tags are not deployed; only main deploys: ${DEPLOY_HINT}`;
  if (command.ref.startsWith(BRANCH_PREFIX)) return `only main deploys: git push paas ${shortRefName(command.ref)}:main`;
  return `only main deploys: ${DEPLOY_HINT}`;
}

/**
 * Checked under the app's push lock. The client names the id it saw main at;
 * for the master alias it saw nothing (we advertise main only), so the zero id
 * there means "whatever main is now".
 */
export function staleReason(command: RefCommand, currentMain: string | undefined): string | undefined {
  if (command.ref === MASTER_REF && command.oldOid === ZERO_OID) return undefined;
  const current = currentMain ?? ZERO_OID;
  if (command.oldOid === current) return undefined;
  const now = currentMain ? `main is now at ${shortOid(currentMain)}` : 'main does not exist any more';
  return `stale info: ${now} since you fetched; push again`;
}
