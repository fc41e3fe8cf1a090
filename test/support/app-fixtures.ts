/**
 * Sample apps from test/fixtures/apps/<name>/ as real git repositories: the
 * fixture files are copied into a work tree, committed with the real git
 * binary, and pushed into a bare repository whose objects are packed, as
 * they are on the server after a `git push`.
 */
import { cp, mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gitOk, removeDir, tempDir } from './git-fixtures.js';

/** Source fixtures (not compiled): <repo>/test/fixtures/apps, from dist/test/support or test/support. */
export const APP_FIXTURES_DIR = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../../test/fixtures/apps/' : '../fixtures/apps/', import.meta.url));

export interface FixtureRepo {
  /** Work tree with the fixture committed on main. */
  work: string;
  /** Bare repository holding the pushed commits (what the builder reads). */
  gitdir: string;
  commit: string;
  remove(): Promise<void>;
}

export interface ExtraFiles {
  /** path ▶ content, written before the first commit. */
  files?: Record<string, string>;
  /** path ▶ link target, created as symlinks before the first commit. */
  symlinks?: Record<string, string>;
}

export async function fixtureRepo(name: string, extra: ExtraFiles = {}): Promise<FixtureRepo> {
  const root = await tempDir('app');
  const work = join(root, 'work');
  const gitdir = join(root, 'pushed.git');
  await cp(join(APP_FIXTURES_DIR, name), work, { recursive: true, verbatimSymlinks: true });
  for (const [path, content] of Object.entries(extra.files ?? {})) {
    await mkdir(dirname(join(work, path)), { recursive: true });
    await writeFile(join(work, path), content);
  }
  for (const [path, target] of Object.entries(extra.symlinks ?? {})) {
    await mkdir(dirname(join(work, path)), { recursive: true });
    await symlink(target, join(work, path));
  }
  await gitOk(['init', '-q', '-b', 'main', work]);
  await gitOk(['init', '-q', '--bare', gitdir]);
  // receive-pack explodes small pushes into loose objects; keep the pack so
  // the builder reads packed objects like it does on the server.
  await gitOk(['config', 'receive.unpackLimit', '1'], { cwd: gitdir });
  const commit = await commitAll(work, gitdir, `fixture ${name}`);
  return { work, gitdir, commit, remove: () => removeDir(root) };
}

/** Writes files into the work tree, commits, pushes to the bare repo; returns the commit. */
export async function commitChange(repo: FixtureRepo, files: Record<string, string>, message: string): Promise<string> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(repo.work, path)), { recursive: true });
    await writeFile(join(repo.work, path), content);
  }
  return commitAll(repo.work, repo.gitdir, message);
}

async function commitAll(work: string, gitdir: string, message: string): Promise<string> {
  await gitOk(['add', '-A'], { cwd: work });
  await gitOk(['commit', '-q', '--allow-empty', '-m', message], { cwd: work });
  // A push sends a packfile: the bare repo then has packed objects, like the server's.
  await gitOk(['push', '-q', gitdir, 'HEAD:refs/heads/main'], { cwd: work });
  return gitOk(['rev-parse', 'HEAD'], { cwd: work });
}
