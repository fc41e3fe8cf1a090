/**
 * Every path the git endpoint derives, in one place: the bare repository of an
 * app, its pack directory, its quarantines, its ref files. Callers pass only
 * names that already passed validation (app names, ref names); `repoGitdir`
 * still checks the result stays inside reposDir, as a second line of defence.
 */
import { randomBytes } from 'node:crypto';
import { join, resolve, sep } from 'node:path';
import { PaasError } from '../errors.js';

export function repoGitdir(reposDir: string, app: string): string {
  const root = resolve(reposDir);
  const gitdir = resolve(root, `${app}.git`);
  if (!gitdir.startsWith(root + sep) || gitdir.slice(root.length + 1).includes(sep)) {
    throw new PaasError('BAD_REQUEST', 'Invalid repository path', { hint: 'Use the git URL shown by "paas apps:info".' });
  }
  return gitdir;
}

export function objectsDir(gitdir: string): string {
  return join(gitdir, 'objects');
}

export function packDir(gitdir: string): string {
  return join(gitdir, 'objects', 'pack');
}

export function packFileName(checksumHex: string): string {
  return `pack-${checksumHex}.pack`;
}

export function idxFileName(checksumHex: string): string {
  return `pack-${checksumHex}.idx`;
}

export function looseObjectPath(gitdir: string, oid: string): string {
  return join(gitdir, 'objects', oid.slice(0, 2), oid.slice(2));
}

/** Validated full ref name ("refs/heads/main") to its loose ref file. */
export function refFilePath(gitdir: string, ref: string): string {
  return join(gitdir, ...ref.split('/'));
}

/** Where quarantines live: inside the repository (same filesystem, so promotion is a rename) but outside objects/. */
export function quarantinesDir(gitdir: string): string {
  return join(gitdir, 'paas-quarantine');
}

export function newQuarantineGitdir(gitdir: string): string {
  return join(quarantinesDir(gitdir), `push-${Date.now()}-${randomBytes(6).toString('hex')}`);
}

/** The pack as it arrives, before it is indexed; not under objects/ so no reader sees it half written. */
export function incomingPackPath(quarantineGitdir: string): string {
  return join(quarantineGitdir, 'incoming.pack');
}

/** Scratch files that are renamed into place (ref updates). */
export function tmpFilePath(gitdir: string): string {
  return join(gitdir, 'paas-tmp', `${Date.now()}-${randomBytes(6).toString('hex')}`);
}
