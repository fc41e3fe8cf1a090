/**
 * Ref name rules and the refs this platform cares about.
 *
 * Spec: git Documentation/git-check-ref-format.txt. We apply its rules to
 * every ref a client names, plus one of our own (no component may start with
 * "-", so a ref can never be mistaken for an option), before a ref name is
 * used in a path, a message or a comparison.
 */

export const MAIN_REF = 'refs/heads/main';
/** Accepted as an alias of main: many repositories still call their default branch master. */
export const MASTER_REF = 'refs/heads/master';
export const HEAD_REF = 'HEAD';
export const BRANCH_PREFIX = 'refs/heads/';
export const TAG_PREFIX = 'refs/tags/';

const MAX_REF_LENGTH = 1024;

/** Returns why `name` is not a valid full ref name, or undefined when it is. */
export function refNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.length > MAX_REF_LENGTH) return `is longer than ${MAX_REF_LENGTH} characters`;
  if (!name.startsWith('refs/')) return 'does not start with refs/';
  // Rules 3, 4, 5, 8, 10 of git-check-ref-format, checked over the whole name.
  if (name.includes('..')) return 'contains ".."';
  if (name.includes('@{')) return 'contains "@{"';
  if (name === '@') return 'is "@"';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name)) return 'contains a control character, space, or one of ~ ^ : ? * [ \\';
  // Rules 1, 6, 7 per component.
  if (name.endsWith('/') || name.includes('//')) return 'has an empty path component';
  if (name.endsWith('.')) return 'ends with "."';
  for (const component of name.split('/')) {
    if (component.startsWith('.')) return 'has a component starting with "."';
    if (component.endsWith('.lock')) return 'has a component ending with ".lock"';
    if (component.startsWith('-')) return 'has a component starting with "-"';
  }
  return undefined;
}

/** "refs/heads/feature" ▶ "feature", for messages the user reads. */
export function shortRefName(name: string): string {
  if (name.startsWith(BRANCH_PREFIX)) return name.slice(BRANCH_PREFIX.length);
  if (name.startsWith(TAG_PREFIX)) return name.slice(TAG_PREFIX.length);
  return name;
}
