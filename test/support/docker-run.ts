/**
 * Small Docker helpers for tests that look inside built images: run a
 * command in an image and collect its output, serve an image on a loopback
 * port, and remove the images a test made. Containers use host networking
 * and an init process, as the engine on the test machines has no bridge.
 */
import { createServer } from 'node:net';
import type Dockerode from 'dockerode';

/** A loopback port that was free a moment ago (for servers we do not start ourselves). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunResult {
  exitCode: number;
  output: string;
}

/** Runs `cmd` in `image` to completion (bounded by timeoutMs) and returns stdout+stderr. */
export async function runInImage(docker: Dockerode, image: string, cmd: string[], options: { env?: string[]; timeoutMs?: number } = {}): Promise<RunResult> {
  const container = await docker.createContainer({
    Image: image,
    Cmd: cmd,
    Env: options.env ?? [],
    HostConfig: { NetworkMode: 'host', Init: true },
  });
  try {
    await container.start();
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${cmd.join(' ')} did not finish`)), options.timeoutMs ?? 30_000).unref());
    const { StatusCode } = (await Promise.race([container.wait(), timeout])) as { StatusCode: number };
    const logs = await container.logs({ stdout: true, stderr: true, follow: false });
    return { exitCode: StatusCode, output: demux(logs) };
  } finally {
    await container.remove({ force: true });
  }
}

/** Strips the 8-byte stream headers Docker puts in front of each log frame (non-TTY containers). */
export function demux(buffer: Buffer): string {
  let out = '';
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4);
    out += buffer.subarray(offset + 8, offset + 8 + size).toString('utf8');
    offset += 8 + size;
  }
  return out;
}

export interface ServedImage {
  url: string;
  stop(): Promise<void>;
}

/** Starts `image` with PORT/HOST set to a loopback port and waits until it answers HTTP. */
export async function serveImage(docker: Dockerode, image: string, port: number, options: { cmd?: string[]; timeoutMs?: number } = {}): Promise<ServedImage> {
  const container = await docker.createContainer({
    Image: image,
    ...(options.cmd ? { Cmd: options.cmd } : {}),
    Env: [`PORT=${port}`, 'HOST=127.0.0.1'],
    HostConfig: { NetworkMode: 'host', Init: true },
  });
  const stop = async () => { await container.remove({ force: true }); };
  await container.start();
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (let attempt = 0; attempt < 300 && Date.now() < deadline; attempt += 1) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return { url, stop };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const logs = demux(await container.logs({ stdout: true, stderr: true, follow: false }));
  await stop();
  throw new Error(`${image} did not answer on ${url}; its output:\n${logs}`);
}

/** Removes images by reference or id, ignoring ones already gone. */
export async function removeImages(docker: Dockerode, refs: Iterable<string>): Promise<void> {
  for (const ref of refs) {
    try {
      await docker.getImage(ref).remove({ force: true });
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
  }
}

/** Fails the test early with the next step when the stack image is missing. */
export async function requireImage(docker: Dockerode, ref: string, howToMake: string): Promise<void> {
  try {
    await docker.getImage(ref).inspect();
  } catch {
    throw new Error(`Image ${ref} is missing: ${howToMake}`);
  }
}
