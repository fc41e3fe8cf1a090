/**
 * `paas help`, `paas help COMMAND` and `paas COMMAND --help`, rendered from
 * the same command table that dispatch uses, so help cannot drift from what
 * the CLI accepts.
 */
import { commandFlags } from './args.js';
import type { Command, FlagSpec } from './context.js';

export const ENVIRONMENT_HELP: readonly (readonly [string, string])[] = [
  ['PAAS_API_URL', 'server URL to use instead of the one stored by "paas login"'],
  ['PAAS_TOKEN', 'API token to use instead of the stored one (for CI and scripts)'],
  ['PAAS_CONFIG_DIR', 'where credentials.json lives (default: $XDG_CONFIG_HOME/paas or ~/.config/paas)'],
];

export function commandList(commands: readonly Command[]): string {
  const visible = commands.filter((c) => !c.hidden);
  const width = Math.max(...visible.map((c) => c.name.length));
  const lines = ['Usage: paas COMMAND [ARGS] [--app NAME] [--json]', '', 'Commands:'];
  // A blank line between topics (apps, config, …); one-command topics like
  // login and whoami stay together.
  const topicOf = (c: Command) => c.name.split(':')[0]!;
  const topicSize = new Map<string, number>();
  for (const c of visible) topicSize.set(topicOf(c), (topicSize.get(topicOf(c)) ?? 0) + 1);
  let topic = '';
  for (const command of visible) {
    const commandTopic = topicOf(command);
    if (topic && commandTopic !== topic && ((topicSize.get(topic) ?? 0) > 1 || (topicSize.get(commandTopic) ?? 0) > 1)) lines.push('');
    topic = commandTopic;
    lines.push(`  ${command.name.padEnd(width)}  ${command.summary}`);
  }
  lines.push('', 'Environment:');
  const envWidth = Math.max(...ENVIRONMENT_HELP.map(([name]) => name.length));
  for (const [name, text] of ENVIRONMENT_HELP) lines.push(`  ${name.padEnd(envWidth)}  ${text}`);
  lines.push(
    '',
    'App commands find the app from the "paas" git remote of the current repository,',
    'or take --app NAME. Every listing and info command takes --json.',
    '',
    'Run "paas help COMMAND" for a command\'s arguments and flags.',
  );
  return `${lines.join('\n')}\n`;
}

export function commandHelp(command: Command, commands: readonly Command[]): string {
  const flags = commandFlags(command);
  const lines = [`Usage: paas ${command.name}${command.usage ? ` ${command.usage}` : ''}${flags.length > 1 ? ' [flags]' : ''}`, '', command.summary];
  if (command.description) lines.push('', command.description);
  if (command.aliases?.length) lines.push('', `Aliases: ${command.aliases.join(', ')}`);
  lines.push('', 'Flags:', ...flagLines(flags));
  if (command.examples?.length) lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  const related = commands.filter((c) => !c.hidden && c !== command && c.name.split(':')[0] === command.name.split(':')[0]);
  if (related.length > 0) lines.push('', `See also: ${related.map((c) => c.name).join(', ')}`);
  return `${lines.join('\n')}\n`;
}

function flagLines(flags: readonly FlagSpec[]): string[] {
  const labels = flags.map((f) => `${f.short ? `-${f.short}, ` : '    '}--${f.name}${f.type === 'string' ? ` ${f.valueName ?? 'VALUE'}` : ''}`);
  const width = Math.max(...labels.map((l) => l.length));
  return flags.map((f, i) => `  ${labels[i]!.padEnd(width)}  ${f.description}`);
}
