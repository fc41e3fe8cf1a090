/**
 * A throwaway Docker registry (Debian's docker-registry, distribution 2.x)
 * on 127.0.0.1:<free port> with its storage in a temp dir and no auth, for
 * tests that push images. Docker engines treat 127.0.0.0/8 registries as
 * insecure-allowed by default, so pushes go over plain HTTP.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './docker-run.js';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

export interface TestRegistry {
  /** "127.0.0.1:PORT": what goes in front of image names. */
  host: string;
  /** "http://127.0.0.1:PORT" for API calls. */
  url: string;
  stop(): Promise<void>;
}

export async function startTestRegistry(options: { timeoutMs?: number } = {}): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'paas-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const config = [
    'version: 0.1',
    'log:',
    '  level: warn',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: ${host}`,
    '',
  ].join('\n');
  const configFile = join(dir, 'config.yml');
  await writeFile(configFile, config);

  let output = '';
  const child: ChildProcess = spawn(REGISTRY_BINARY, ['serve', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => { output = (output + chunk.toString()).slice(-4000); });
  child.stderr?.on('data', (chunk: Buffer) => { output = (output + chunk.toString()).slice(-4000); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killTimer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killTimer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const url = `http://${host}`;
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (let attempt = 0; attempt < 200 && Date.now() < deadline; attempt += 1) {
    if (child.exitCode !== null) break;
    try {
      const response = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) });
      if (response.status === 200) return { host, url, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  throw new Error(`docker-registry did not answer on ${url}/v2/; its output:\n${output}`);
}

/** The digest the registry reports for repository:tag (GET /v2/<name>/manifests/<tag>). */
export async function registryManifestDigest(registry: TestRegistry, name: string, tag: string): Promise<string | undefined> {
  const response = await fetch(`${registry.url}/v2/${name}/manifests/${tag}`, {
    method: 'HEAD',
    headers: {
      // Without these the registry answers with a schema 1 conversion and a different digest.
      Accept: [
        'application/vnd.docker.distribution.manifest.v2+json',
        'application/vnd.docker.distribution.manifest.list.v2+json',
        'application/vnd.oci.image.manifest.v1+json',
        'application/vnd.oci.image.index.v1+json',
      ].join(', '),
    },
    signal: AbortSignal.timeout(5000),
  });
  if (response.status !== 200) return undefined;
  return response.headers.get('docker-content-digest') ?? undefined;
}
