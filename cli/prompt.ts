/**
 * Terminal input for the real process: prompts (a secret one does not echo:
 * the terminal is put in raw mode and we echo nothing) and reading piped
 * stdin to EOF. Only main.ts uses this; commands see the `Input` interface.
 */
import { createInterface } from 'node:readline/promises';
import type { Input } from './context.js';
import { CliError } from './errors.js';

/** Piped stdin larger than this is not a token or a credential request. */
const MAX_STDIN_BYTES = 1 << 20;

export interface TerminalStreams {
  stdin: NodeJS.ReadStream;
  stderr: NodeJS.WriteStream;
}

export function createTerminalInput(streams: TerminalStreams): Input {
  const { stdin, stderr } = streams;
  return {
    isTTY: stdin.isTTY === true,
    readAll: () => readAll(stdin),
    async ask(question, options = {}) {
      if (options.secret && stdin.isTTY) return askSecret(stdin, stderr, question);
      const rl = createInterface({ input: stdin, output: stderr, terminal: stdin.isTTY === true });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
  };
}

async function readAll(stdin: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_STDIN_BYTES) throw new CliError('USAGE', `More than ${MAX_STDIN_BYTES} bytes on stdin`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function askSecret(stdin: NodeJS.ReadStream, stderr: NodeJS.WriteStream, question: string): Promise<string> {
  stderr.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let answer = '';
    const finish = (err?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
      if (err) reject(err);
      else resolve(answer);
    };
    const onData = (data: string) => {
      for (const ch of data) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') return finish(new CliError('CANCELLED', 'Cancelled'));
        if (ch === '\u007f' || ch === '\b') answer = answer.slice(0, -1);
        else if (ch >= ' ') answer += ch;
      }
    };
    stdin.on('data', onData);
  });
}
