/**
 * The Docker driver on the real engine for the runtime scenarios: the
 * node image, with the behaviour of each kind of release in its Procfile
 * command. Containers carry a per-run label and are removed at the end.
 */
import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { createDockerRuntime } from '../../server/runtime/docker/docker-runtime.js';
import type { RuntimeHarness } from './harness.js';
import type { ReleaseInput } from './scenario-platform.js';
import { ensureNodeImage } from './node-image.js';

const APP = `node -e "require('http').createServer((q,s)=>s.end(JSON.stringify({release:process.env.PAAS_RELEASE,greeting:process.env.GREETING}))).listen(process.env.PORT,'127.0.0.1')"`;

export async function dockerHarness(): Promise<RuntimeHarness | string> {
  const docker = new Docker();
  try {
    await docker.ping();
  } catch {
    return 'no Docker engine reachable';
  }
  const image = await ensureNodeImage(docker);
  const labels = { 'paas.dev/test': `scenarios-${randomBytes(4).toString('hex')}` };
  return {
    name: 'docker',
    readyTimeoutMs: 8000,
    makeRuntime: () => createDockerRuntime({ docker, extraLabels: labels, drainMs: 300, stopGraceSeconds: 3, resyncMs: 2000 }),
    release(kind): ReleaseInput {
      switch (kind) {
        case 'good': return { image, processTypes: { web: APP } };
        case 'never-ready': return { image, processTypes: { web: 'node -e "setInterval(()=>{},1000)"' } };
        case 'crash': return { image, processTypes: { web: `node -e "console.error('boom: cannot start');process.exit(3)"` } };
        case 'release-phase-fails': return { image, processTypes: { web: APP, release: 'echo migrating; exit 3' } };
      }
    },
    answer(body) {
      const parsed = JSON.parse(body) as { release?: string; greeting?: string };
      return { release: parsed.release, greeting: parsed.greeting };
    },
    async close() {
      const left = await docker.listContainers({ all: true, filters: { label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) } });
      await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
    },
  };
}
