/**
 * Command-line flags for one command, parsed against that command's flag
 * table (the same table `paas help` prints). GNU style: `--name value`,
 * `--name=value`, `-n value`, `-nvalue`, and `--` ends the flags. Anything
 * that is not a flag is a positional argument, kept byte-exact (config:set
 * values may hold `=`, quotes, `$()` and newlines).
 *
 * Our own parser rather than node:util parseArgs so errors can name the
 * command and suggest the flag that was meant.
 */
import type { Command, FlagSpec } from './context.js';
import { usageError } from './errors.js';
import { closest } from '../server/domain/suggest.js';

export interface ParsedArgs {
  flags: Record<string, string | boolean>;
  positionals: string[];
}

export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[], commandName: string): ParsedArgs {
  const flags: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  const byLong = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const helpHint = `See the flags with: paas help ${commandName}`;

  const isKnownFlag = (arg: string): boolean =>
    (arg.startsWith('--') && byLong.has(arg.slice(2).split('=')[0]!)) ||
    (/^-[^-]/.test(arg) && byShort.has(arg[1]!));

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let spec: FlagSpec | undefined;
    let inline: string | undefined;
    let shown: string;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq === -1 ? undefined : arg.slice(eq + 1);
      shown = `--${name}`;
      spec = byLong.get(name);
      if (!spec) {
        const guess = closest(name, [...byLong.keys()]);
        throw usageError(`Unknown flag ${shown} for paas ${commandName}`, guess ? `Did you mean --${guess}? ${helpHint}` : helpHint);
      }
    } else if (arg.length > 1 && arg.startsWith('-')) {
      shown = arg.slice(0, 2);
      spec = byShort.get(arg[1]!);
      if (!spec) throw usageError(`Unknown flag ${shown} for paas ${commandName}`, helpHint);
      if (arg.length > 2) inline = arg[2] === '=' ? arg.slice(3) : arg.slice(2);
    } else {
      positionals.push(arg);
      continue;
    }

    if (spec.type === 'boolean') {
      if (inline !== undefined) throw usageError(`Flag ${shown} takes no value`, helpHint);
      flags[spec.name] = true;
      continue;
    }
    if (inline !== undefined) {
      flags[spec.name] = inline;
      continue;
    }
    const next = argv[i + 1];
    // A value that is itself one of our flags is almost surely a forgotten
    // value (`--app --json`); anything else is taken, even if it starts with "-".
    if (next === undefined || isKnownFlag(next)) {
      throw usageError(`Flag ${shown} needs a value: ${shown} ${spec.valueName ?? 'VALUE'}`, helpHint);
    }
    flags[spec.name] = next;
    i++;
  }
  return { flags, positionals };
}

/** Flags every app-scoped command takes (DESIGN.md "What users see"). */
export const APP_FLAGS: readonly FlagSpec[] = [
  { name: 'app', short: 'a', type: 'string', valueName: 'NAME', description: 'app to use (default: the app the git remote points at)' },
  { name: 'remote', short: 'r', type: 'string', valueName: 'REMOTE', description: 'git remote to find the app from (default: paas)' },
];
export const JSON_FLAG: FlagSpec = { name: 'json', type: 'boolean', description: "print the API's JSON" };
export const HELP_FLAG: FlagSpec = { name: 'help', short: 'h', type: 'boolean', description: 'show this help' };

/** A command's own flags plus the shared ones it opted into, in help order. */
export function commandFlags(command: Command): FlagSpec[] {
  return [
    ...(command.appScoped ? APP_FLAGS : []),
    ...(command.flags ?? []),
    ...(command.json ? [JSON_FLAG] : []),
    HELP_FLAG,
  ];
}
