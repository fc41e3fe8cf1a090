/**
 * Talking smart HTTP by hand, for what the git binary never sends: a stale
 * old id, a gzip body we choose, a request whose body is never sent, or a
 * hostile path kept exactly as written. Responses are decoded with the
 * endpoint's own pkt-line and side-band readers.
 */
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { decodePktSections } from '../../server/git/pkt-line.js';
import { decodeSideBand } from '../../server/git/side-band.js';
import { encodePktLine, PKT_FLUSH } from '../../server/git/pkt-line.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface RawRequest {
  port: number;
  method: string;
  /** Sent exactly as given, no normalisation. */
  path: string;
  headers?: Record<string, string>;
  /** undefined: headers only, and the body is never sent (the request stays open). */
  body?: Buffer;
  timeoutMs?: number;
}

export function rawRequest(options: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: options.port, method: options.method, path: options.path, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        req.destroy();
      });
      res.on('error', reject);
    });
    req.setTimeout(options.timeoutMs ?? 10_000, () => req.destroy(new Error(`no response to ${options.method} ${options.path}`)));
    req.on('error', reject);
    if (options.body === undefined) req.flushHeaders();
    else req.end(options.body);
  });
}

export function basicAuth(token: string): string {
  return `Basic ${Buffer.from(`x:${token}`).toString('base64')}`;
}

export interface Command {
  oldOid: string;
  newOid: string;
  ref: string;
}

/** A receive-pack request body: commands (capabilities on the first), flush, pack. */
export function receivePackBody(commands: Command[], capabilities: string[], pack: Buffer): Buffer {
  const lines = commands.map((c, i) => encodePktLine(`${c.oldOid} ${c.newOid} ${c.ref}${i === 0 ? `\0${capabilities.join(' ')}` : ''}\n`));
  return Buffer.concat([...lines, PKT_FLUSH, pack]);
}

/** Splits a side-band receive-pack response into progress text and report-status lines. */
export function decodeReceivePackResponse(body: Buffer): { progress: string; report: string[] } {
  let progress = '';
  const band1: Buffer[] = [];
  for (const payload of decodePktSections(body).sections.flat()) {
    const { band, data } = decodeSideBand(payload);
    if (band === 1) band1.push(data);
    else progress += data.toString('utf8');
  }
  const report = decodePktSections(Buffer.concat(band1)).sections.flat().map((line) => line.toString('utf8').trimEnd());
  return { progress, report };
}

/** `git pack-objects --revs --stdout [args]` of `revs` (e.g. ["HEAD", "^HEAD~1"]) in `repo`. */
export function packObjects(repo: string, revs: string[], args: string[] = []): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['pack-objects', '--revs', '--stdout', '-q', ...args], { cwd: repo, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(chunks));
      else reject(new Error(`git pack-objects failed (${code}): ${stderr}`));
    });
    child.stdin.end(`${revs.join('\n')}\n`);
  });
}
