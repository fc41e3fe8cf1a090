/**
 * logs: the app's instance output, as the server streams it
 * (`2026-01-01T00:00:00.000Z app[web.1]: listening`). With --tail the
 * response stays open and chunks are written as they arrive until the
 * server ends it or the user presses Ctrl-C, which ends the command
 * cleanly (exit 0), as `heroku logs --tail` does.
 *
 * Lines are written as the app printed them, like `docker logs`: apps
 * colour their output and people want to see it. No --json: this is a text
 * stream, not a record listing.
 */
import type { Command } from '../context.js';
import { booleanFlag, stringFlag } from '../context.js';
import { usageError } from '../errors.js';

export const DEFAULT_LOG_LINES = 100;

/** The value of -n: a whole number of lines (the server caps it). */
export function parseLineCount(text: string | undefined): number {
  if (text === undefined) return DEFAULT_LOG_LINES;
  if (!/^\d{1,9}$/.test(text.trim())) {
    throw usageError(`Invalid number of lines "${text.slice(0, 20)}" for --num`, 'Give a whole number, e.g. paas logs -n 200 (0 with --tail shows only new lines).');
  }
  return Number(text.trim());
}

export const logs: Command = {
  name: 'logs',
  summary: "show an app's output; --tail keeps following it",
  description: 'Shows the last lines of every instance, merged by time. With --tail, new lines keep coming until Ctrl-C.',
  appScoped: true,
  flags: [
    { name: 'num', short: 'n', type: 'string', valueName: 'N', description: `how many recent lines to show (default ${DEFAULT_LOG_LINES})` },
    { name: 'tail', short: 't', type: 'boolean', description: 'keep streaming new lines until Ctrl-C' },
    { name: 'process', short: 'p', type: 'string', valueName: 'TYPE', description: 'only this process type, e.g. web or worker' },
  ],
  examples: ['paas logs', 'paas logs --tail', 'paas logs -n 500 --process worker -a my-app'],
  async run(ctx) {
    const lines = parseLineCount(stringFlag(ctx.flags, 'num'));
    const tail = booleanFlag(ctx.flags, 'tail');
    const processType = stringFlag(ctx.flags, 'process');
    const app = await ctx.resolveApp();
    const stop = new AbortController();
    // Only a followed stream needs Ctrl-C caught; otherwise the default
    // (end the process) is what the user wants.
    const release = tail ? ctx.onInterrupt(() => stop.abort()) : () => undefined;
    try {
      const chunks = ctx.api.logs(app, { lines, tail, ...(processType === undefined ? {} : { process: processType }) }, { signal: stop.signal });
      for await (const chunk of chunks) ctx.out.write(chunk);
    } finally {
      release();
    }
  },
};
