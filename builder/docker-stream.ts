/**
 * The Docker Engine's progress streams (build, push, import) are JSON
 * messages, one per line, and the failure of the operation arrives *inside*
 * the stream as an `errorDetail`/`error` message while the HTTP status stays
 * 200 (apocas/dockerode issues 221 and 458). This module is the one reader of
 * those streams: it splits the bytes into messages and hands each one over as
 * it arrives, so callers can forward build output live.
 *
 * Message shape: moby `pkg/jsonmessage` JSONMessage (stream, status, id,
 * progressDetail, error, errorDetail, aux).
 */

export interface JsonMessage {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  error?: string;
  errorDetail?: { code?: number; message?: string };
  aux?: Record<string, unknown>;
}

/** Splits a byte stream into JSON messages; resolves when the stream ends. */
export async function readJsonMessages(
  stream: NodeJS.ReadableStream,
  onMessage: (message: JsonMessage) => void,
): Promise<void> {
  let partial = '';
  const handle = (line: string) => {
    const text = line.trim();
    if (text === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON (an engine or proxy hiccup): keep the text so it is not lost.
      onMessage({ stream: `${text}\n` });
      return;
    }
    if (parsed !== null && typeof parsed === 'object') onMessage(parsed as JsonMessage);
  };
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const parts = (partial + (typeof chunk === 'string' ? chunk : chunk.toString('utf8'))).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) handle(line);
  }
  handle(partial);
}

/** The error text of a failure message, or undefined for a normal message. */
export function messageError(message: JsonMessage): string | undefined {
  if (message.errorDetail?.message) return message.errorDetail.message;
  if (typeof message.error === 'string' && message.error !== '') return message.error;
  return undefined;
}

/**
 * Turns `stream` text into complete lines. Build output is sent in arbitrary
 * chunks (a RUN step's output is not line aligned), and progress bars use
 * carriage returns; both become separate lines here.
 */
export class LineSplitter {
  private partial = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(text: string): void {
    let combined = this.partial + text;
    // A chunk may end between the \r and \n of one line break: hold the \r.
    const held = combined.endsWith('\r') ? '\r' : '';
    if (held) combined = combined.slice(0, -1);
    const parts = combined.split(/\r\n|\n|\r/);
    this.partial = (parts.pop() ?? '') + held;
    for (const line of parts) this.onLine(line);
  }

  flush(): void {
    const rest = this.partial.replace(/\r$/, '');
    this.partial = '';
    if (rest !== '') this.onLine(rest);
  }
}
