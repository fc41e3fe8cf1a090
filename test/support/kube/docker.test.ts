/**
 * The Docker runner (only when a Docker engine answers on
 * /var/run/docker.sock): a Deployment of the local paas/stack:bookworm
 * image runs as a real container on the double's network, passes an HTTP
 * readiness probe and an exec liveness probe, serves at its pod IP, logs
 * through pods/log, and leaves nothing behind once deleted.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import Docker from 'dockerode';
import { createNamespace, eventually, startKit } from './test-kit.js';

const SOCKET = '/var/run/docker.sock';
const IMAGE = 'paas/stack:bookworm';

async function dockerAvailable(): Promise<Docker | undefined> {
  if (!existsSync(SOCKET)) return undefined;
  const docker = new Docker({ socketPath: SOCKET });
  try {
    await docker.ping();
    await docker.getImage(IMAGE).inspect();
    return docker;
  } catch {
    return undefined;
  }
}

const SERVER = "require('http').createServer((q, r) => { console.log(q.method + ' ' + q.url); r.end(JSON.stringify({ greeting: process.env.GREETING, host: require('os').hostname() })); }).listen(process.env.PORT, () => console.log('listening on ' + process.env.PORT))";

describe('kube double: Docker runner', async () => {
  const docker = await dockerAvailable();
  test('a container image pod serves HTTP at its pod IP', { skip: docker ? false : `no Docker engine or no ${IMAGE} image` }, async () => {
    const kit = await startKit({ docker });
    try {
      await createNamespace(kit, 'dock');
      await kit.apps.createNamespacedDeployment({
        namespace: 'dock',
        body: {
          metadata: { name: 'node' },
          spec: {
            selector: { matchLabels: { app: 'node' } },
            template: {
              metadata: { labels: { app: 'node' } },
              spec: {
                terminationGracePeriodSeconds: 2,
                containers: [
                  {
                    name: 'node',
                    image: IMAGE,
                    command: ['node', '-e', SERVER],
                    env: [
                      { name: 'PORT', value: '8080' },
                      { name: 'GREETING', value: 'from docker' },
                    ],
                    ports: [{ name: 'http', containerPort: 8080 }],
                    readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
                    livenessProbe: { exec: { command: ['/bin/sh', '-c', 'true'] }, periodSeconds: 1 },
                  },
                ],
              },
            },
          },
        },
      });
      const pod = await eventually(
        'a ready pod',
        () => kit.kube.list('pods', 'dock').find((p) => (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True')),
        20_000,
      );
      assert.match(pod.status.containerStatuses[0].containerID, /^docker:\/\/[0-9a-f]{64}$/);
      const res = await fetch(`http://${pod.status.podIP}:8080/hello`);
      assert.deepEqual(await res.json(), { greeting: 'from docker', host: pod.metadata.name });
      const logs = await eventually('logs', async () => {
        const text = await kit.core.readNamespacedPodLog({ namespace: 'dock', name: pod.metadata.name });
        return text.includes('GET /hello') ? text : undefined;
      });
      assert.match(logs, /^listening on 8080\n/);
      assert.equal(pod.status.containerStatuses[0].restartCount, 0, 'the exec liveness probe passes');
      await kit.core.createNamespacedPod({ namespace: 'dock', body: { metadata: { name: 'missing' }, spec: { containers: [{ name: 'app', image: '127.0.0.1:1/paas/missing:v1' }] } } });
      const pull = await eventually('ErrImagePull for an image nobody has', () => {
        const c = kit.kube.get('pods', 'dock', 'missing')?.status?.containerStatuses?.[0];
        return c?.state?.waiting?.reason === 'ErrImagePull' ? c : undefined;
      }, 15_000);
      assert.match(pull.state.waiting.message, /^failed to pull and unpack image "127.0.0.1:1\/paas\/missing:v1"/);
      await kit.apps.deleteNamespacedDeployment({ namespace: 'dock', name: 'node' });
      await eventually('the pod gone', () => !kit.kube.list('pods', 'dock').some((p) => p.metadata.labels?.app === 'node'), 15_000);
      // like the kubelet, the double removes containers after the pod object is gone
      await eventually('its containers removed', async () => (await docker!.listContainers({ all: true, filters: { label: [`io.kubernetes.pod.uid=${pod.metadata.uid}`] } })).length === 0, 10_000);
    } finally {
      await kit.close();
    }
  });
});
