/**
 * A Docker image with Node and a POSIX shell, for tests that run containers
 * on a machine that cannot pull from a registry. It prefers the platform's
 * own stack image (`paas/stack:bookworm`) when that has been built; otherwise
 * it makes `paas-test/node:host` by `docker import` of a tar holding the
 * host's node binary, /bin/dash as /bin/sh, and the shared libraries both
 * link against (as `ldd` lists them). The image is cached and rebuilt only
 * when the host's node version changes (recorded in a label).
 */
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { promisify } from 'node:util';
import type Dockerode from 'dockerode';
import { pack as tarPack, type Pack } from 'tar-stream';

const run = promisify(execFile);

export const STACK_IMAGE = 'paas/stack:bookworm';
export const HOST_NODE_IMAGE = 'paas-test/node:host';
const VERSION_LABEL = 'paas.dev/test-node-version';

/** Where each file comes from on the host and where it goes in the image. */
interface ImageFile {
  from: string;
  to: string;
  mode: number;
}

async function imageLabels(docker: Dockerode, ref: string): Promise<Record<string, string> | undefined> {
  try {
    const info = await docker.getImage(ref).inspect();
    return info.Config?.Labels ?? {};
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw err;
  }
}

/** Absolute library paths from `ldd` output ("libc.so.6 => /lib/... (0x…)" or "/lib64/ld-linux… (0x…)"). */
export function parseLdd(output: string): string[] {
  const paths = new Set<string>();
  for (const line of output.split('\n')) {
    const match = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (match?.[1]) paths.add(match[1]);
  }
  return [...paths];
}

async function filesFor(binary: string, to: string): Promise<ImageFile[]> {
  const { stdout } = await run('ldd', [binary]);
  const libs = parseLdd(stdout).map((lib) => ({ from: lib, to: lib, mode: 0o755 }));
  return [{ from: binary, to, mode: 0o755 }, ...libs];
}

/** Streams a tar of the files (symlinks resolved: the image gets real files at the listed paths). */
function makeTar(files: ImageFile[]): Pack {
  const pack = tarPack();
  const dirs = new Set<string>(['tmp']);
  for (const file of files) {
    let dir = posix.dirname(file.to.replace(/^\//, ''));
    while (dir !== '.' && dir !== '') {
      dirs.add(dir);
      dir = posix.dirname(dir);
    }
  }
  void (async () => {
    for (const dir of [...dirs].sort()) {
      pack.entry({ name: `${dir}/`, type: 'directory', mode: dir === 'tmp' ? 0o1777 : 0o755 });
    }
    for (const file of files) {
      const source = await realpath(file.from);
      const { size } = await stat(source);
      await new Promise<void>((resolve, reject) => {
        const entry = pack.entry({ name: file.to.replace(/^\//, ''), size, mode: file.mode }, (err) => (err ? reject(err) : resolve()));
        createReadStream(source).on('error', reject).pipe(entry);
      });
    }
    pack.finalize();
  })().catch((err: unknown) => pack.destroy(err as Error));
  return pack;
}

/** Reads the import's JSON progress stream; the engine reports failures inside it. */
async function drainProgress(stream: NodeJS.ReadableStream): Promise<void> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const message = JSON.parse(line) as { error?: string };
    if (message.error) throw new Error(`docker import failed: ${message.error}`);
  }
}

export async function buildHostNodeImage(docker: Dockerode): Promise<string> {
  const files = [
    ...(await filesFor(process.execPath, '/usr/bin/node')),
    ...(await filesFor('/bin/dash', '/bin/sh')),
  ];
  const unique = [...new Map(files.map((f) => [f.to, f])).values()];
  const [repo, tag] = HOST_NODE_IMAGE.split(':') as [string, string];
  const stream = (await docker.importImage(makeTar(unique) as never, {
    repo,
    tag,
    changes: [
      'ENV PATH=/usr/local/bin:/usr/bin:/bin',
      `LABEL ${VERSION_LABEL}=${process.version}`,
      'CMD ["node"]',
    ],
  } as never)) as unknown as NodeJS.ReadableStream;
  await drainProgress(stream);
  return HOST_NODE_IMAGE;
}

/**
 * The image tests should run Node apps in. `preferStack: false` forces the
 * host-built image (useful when the stack image is being rebuilt).
 */
export async function ensureNodeImage(docker: Dockerode, options: { preferStack?: boolean } = {}): Promise<string> {
  if (options.preferStack !== false && (await imageLabels(docker, STACK_IMAGE)) !== undefined) return STACK_IMAGE;
  const labels = await imageLabels(docker, HOST_NODE_IMAGE);
  if (labels?.[VERSION_LABEL] === process.version) return HOST_NODE_IMAGE;
  return buildHostNodeImage(docker);
}
