/**
 * `paas-server stacks:build [--force] [--tag IMAGE] [--suite S] [--mirror URL] [--cache-dir DIR]`:
 * the operator command that makes the offline stack image. main.ts wires it
 * with a real Docker client; this module only parses its flags and prints.
 */
import type Dockerode from 'dockerode';
import { PaasError } from '../server/errors.js';
import { ensureStackImage, STACK_IMAGE_DEFAULT, STACK_IMAGE_ONLINE, STACK_MIRROR, STACK_SUITE } from './stack-image.js';

export const STACKS_BUILD_USAGE = `Usage: paas-server stacks:build [--force] [--tag IMAGE] [--suite SUITE] [--mirror URL] [--cache-dir DIR]

Builds the offline stack image (default ${STACK_IMAGE_DEFAULT}) from Debian packages
with debootstrap and apt (needs root and the Debian mirror, about two minutes).
Skipped when the image exists unless --force. With internet access you can
configure ${STACK_IMAGE_ONLINE} as the stack image instead.
  --tag        image to create (default ${STACK_IMAGE_DEFAULT})
  --suite      Debian release (default ${STACK_SUITE})
  --mirror     Debian mirror (default ${STACK_MIRROR})
  --cache-dir  keep downloaded packages here for faster rebuilds`;

export interface StacksBuildFlags {
  force: boolean;
  tag?: string;
  suite?: string;
  mirror?: string;
  cacheDir?: string;
}

export function parseStacksBuildFlags(argv: string[]): StacksBuildFlags {
  const flags: StacksBuildFlags = { force: false };
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (name === '--force') {
      flags.force = true;
      continue;
    }
    if (name === '--tag' || name === '--suite' || name === '--mirror' || name === '--cache-dir') {
      const next = argv[i + 1];
      const value = inline ?? (next !== undefined && !next.startsWith('--') ? next : undefined);
      if (inline === undefined && value !== undefined) i += 1;
      if (value === undefined || value === '') {
        problems.push(`${name} needs a value`);
        continue;
      }
      const key = ({ '--tag': 'tag', '--suite': 'suite', '--mirror': 'mirror', '--cache-dir': 'cacheDir' } as const)[name];
      flags[key] = value;
      continue;
    }
    problems.push(`unknown argument "${arg}"`);
  }
  if (problems.length > 0) {
    throw new PaasError('BAD_REQUEST', `stacks:build: ${problems.join('; ')}`, { hint: STACKS_BUILD_USAGE });
  }
  return flags;
}

export interface StacksBuildDeps {
  docker: Dockerode;
  isRoot: boolean;
  print: (line: string) => void;
  signal?: AbortSignal;
}

export async function runStacksBuild(argv: string[], deps: StacksBuildDeps): Promise<void> {
  const flags = parseStacksBuildFlags(argv);
  const result = await ensureStackImage({
    docker: deps.docker,
    isRoot: deps.isRoot,
    progress: deps.print,
    signal: deps.signal,
    ...flags,
  });
  deps.print(result.built
    ? `Stack image ${result.tag} is ready (node ${result.nodeVersion}, npm ${result.npmVersion}).`
    : `Stack image ${result.tag} is ready.`);
}
