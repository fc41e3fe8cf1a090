/**
 * Procfile parsing: one `type: command` per line, as Heroku defines it
 * (devcenter.heroku.com/articles/procfile). Blank lines and lines starting
 * with "#" are ignored. Every problem is reported with its line number.
 *
 * Process type names are stricter than Heroku's ([A-Za-z0-9_-]+): they become
 * part of container and Kubernetes object names (`<app>-v<N>-<type>`, a
 * DNS-1123 label of at most 63 characters), so they are lowercase letters,
 * digits and "-", start with a letter, and are at most 20 characters long
 * (30 for the app + "-v" + a 6-digit release + "-" + 20 + margin ≤ 63).
 * "_" is refused for the same reason: Kubernetes rejects it in names.
 */
import { PaasError, type ValidationIssue } from '../server/errors.js';
import { printable } from '../server/domain/names.js';

export const PROCESS_TYPE = /^[a-z][a-z0-9-]*$/;
export const PROCESS_TYPE_MAX = 20;

export type ProcessTypes = Record<string, string>;

/** Pure parse: the process types, or every problem found. */
export function parseProcfile(text: string): { processTypes: ProcessTypes; problems: ValidationIssue[] } {
  const processTypes: ProcessTypes = {};
  const problems: ValidationIssue[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    const where = `Procfile:${index + 1}`;
    if (line === '' || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    if (colon <= 0) {
      problems.push({ path: where, message: `"${printable(line)}" is not "type: command"` });
      return;
    }
    const type = line.slice(0, colon).trim();
    const command = line.slice(colon + 1).trim();
    const typeProblem = processTypeProblem(type);
    if (typeProblem) problems.push({ path: where, message: `process type "${printable(type)}" ${typeProblem}` });
    if (command === '') problems.push({ path: where, message: `process type "${printable(type)}" has no command` });
    if (Object.hasOwn(processTypes, type)) problems.push({ path: where, message: `process type "${printable(type)}" is defined twice` });
    if (!typeProblem && command !== '' && !Object.hasOwn(processTypes, type)) processTypes[type] = command;
  });
  return { processTypes, problems };
}

export function processTypeProblem(type: string): string | undefined {
  if (!PROCESS_TYPE.test(type)) return 'must start with a lowercase letter and contain only lowercase letters, digits and "-"';
  if (type.length > PROCESS_TYPE_MAX) return `must be at most ${PROCESS_TYPE_MAX} characters, got ${type.length}`;
  return undefined;
}

/** Parses or throws BUILD_FAILED listing every problem. */
export function readProcfile(text: string): ProcessTypes {
  const { processTypes, problems } = parseProcfile(text);
  if (problems.length > 0) {
    throw new PaasError('BUILD_FAILED', `Invalid Procfile: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, {
      hint: 'Write one "type: command" per line, e.g. "web: node server.js", then push again.',
      details: problems,
    });
  }
  if (Object.keys(processTypes).length === 0) {
    throw new PaasError('BUILD_FAILED', 'The Procfile defines no process types', {
      hint: 'Add a line like "web: node server.js", or delete the Procfile to use the default, then push again.',
    });
  }
  return processTypes;
}
