/**
 * The validators every entry point shares (API, CLI, git endpoint): app names,
 * config keys, emails. A name that passes here is safe to use as a path
 * segment, a DNS label, a Docker name and a Kubernetes name.
 */
import { randomInt } from 'node:crypto';
import { PaasError } from '../errors.js';

/** DNS-1123 label, 3-30 chars, starting with a letter (DESIGN.md "Naming"). */
const APP_NAME = /^[a-z][a-z0-9-]*$/;
export const APP_NAME_MIN = 3;
export const APP_NAME_MAX = 30;

/** Names that would collide with platform hosts, namespaces or routes. */
const RESERVED_APP_NAMES = new Set([
  'paas', 'default', 'admin', 'api', 'www', 'git', 'router', 'registry', 'localhost',
  'healthz', 'readyz', 'metrics', 'system', 'root', 'static', 'assets', 'login', 'v1',
]);
const RESERVED_APP_PREFIXES = ['kube-', 'paas-', 'openshift-'];

/** Returns a list of problems; empty when the name is valid. */
export function appNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length < APP_NAME_MIN || name.length > APP_NAME_MAX) {
    problems.push(`must be ${APP_NAME_MIN}-${APP_NAME_MAX} characters long, got ${name.length}`);
  }
  if (!APP_NAME.test(name)) {
    problems.push('must start with a lowercase letter and contain only lowercase letters, digits and "-"');
  } else if (name.endsWith('-')) {
    problems.push('must not end with "-"');
  }
  if (RESERVED_APP_NAMES.has(name) || RESERVED_APP_PREFIXES.some((p) => name.startsWith(p))) {
    problems.push(`"${name}" is reserved by the platform`);
  }
  return problems;
}

export function assertAppName(name: unknown): string {
  if (typeof name !== 'string') {
    throw new PaasError('VALIDATION_FAILED', 'App name must be a string', {
      hint: 'Use 3-30 lowercase letters, digits and dashes, starting with a letter, e.g. "my-app".',
    });
  }
  const problems = appNameProblems(name);
  if (problems.length > 0) {
    throw new PaasError('VALIDATION_FAILED', `Invalid app name "${printable(name)}": ${problems.join('; ')}`, {
      hint: 'Use 3-30 lowercase letters, digits and dashes, starting with a letter, e.g. "my-app".',
      details: problems.map((message) => ({ path: 'name', message })),
    });
  }
  return name;
}

/** POSIX-ish environment variable names: what a shell and Docker accept. */
const CONFIG_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const CONFIG_KEY_MAX = 256;
/** Names the platform sets itself; users may not override them. */
export const RESERVED_CONFIG_KEYS = new Set(['PORT']);

export function configKeyProblem(key: string): string | undefined {
  if (key.length === 0) return 'must not be empty';
  if (key.length > CONFIG_KEY_MAX) return `must be at most ${CONFIG_KEY_MAX} characters`;
  if (!CONFIG_KEY.test(key)) return 'must match [A-Za-z_][A-Za-z0-9_]*';
  if (RESERVED_CONFIG_KEYS.has(key)) return 'is set by the platform and cannot be changed';
  return undefined;
}

export function assertConfigKeys(keys: string[]): void {
  const details = keys.flatMap((key) => {
    const problem = configKeyProblem(key);
    return problem ? [{ path: `config.${printable(key)}`, message: `"${printable(key)}" ${problem}` }] : [];
  });
  if (details.length > 0) {
    throw new PaasError('VALIDATION_FAILED', `Invalid config key${details.length > 1 ? 's' : ''}: ${details.map((d) => d.message).join('; ')}`, {
      hint: 'Config keys are letters, digits and "_", not starting with a digit, e.g. DATABASE_URL.',
      details,
    });
  }
}

const EMAIL = /^[^\s@<>()",;:\\]+@[^\s@<>()",;:\\]+$/;
export function assertEmail(email: unknown): string {
  if (typeof email !== 'string' || email.length > 254 || !EMAIL.test(email)) {
    throw new PaasError('VALIDATION_FAILED', `Invalid email "${printable(String(email))}"`, {
      hint: 'Give an address like dev@example.com.',
    });
  }
  return email.toLowerCase();
}

/** Keeps hostile input readable and bounded inside error messages. */
export function printable(value: string): string {
  const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
  return JSON.stringify(shown).slice(1, -1);
}

const ADJECTIVES = ['brave', 'calm', 'eager', 'fancy', 'gentle', 'happy', 'jolly', 'kind', 'lively', 'merry', 'nimble', 'proud', 'quiet', 'rapid', 'shiny', 'sunny', 'swift', 'tidy', 'vivid', 'witty'];
const NOUNS = ['badger', 'beacon', 'cedar', 'comet', 'falcon', 'fjord', 'harbor', 'lagoon', 'maple', 'meadow', 'otter', 'pebble', 'prairie', 'river', 'summit', 'thicket', 'tundra', 'willow', 'yak', 'zephyr'];

/** A readable, valid app name like "swift-otter-4821" (Heroku style). */
export function generateAppName(random: (max: number) => number = randomInt): string {
  const adjective = ADJECTIVES[random(ADJECTIVES.length)]!;
  const noun = NOUNS[random(NOUNS.length)]!;
  return `${adjective}-${noun}-${1000 + random(9000)}`;
}
