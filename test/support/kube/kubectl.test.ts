/**
 * An independent client reads the double: the real kubectl (Go's
 * client-go: discovery, TLS with the kubeconfig CA, JSON decoding into the
 * typed structs) lists what client-node created.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { appDeployment, createNamespace, eventually, startKit } from './test-kit.js';

const run = promisify(execFile);
const KUBECTL = '/usr/bin/kubectl';

describe('kube double: kubectl', () => {
  test('kubectl get -o json reads deployments across namespaces and pods', { skip: existsSync(KUBECTL) ? false : `no ${KUBECTL}` }, async () => {
    const kit = await startKit();
    const dir = await mkdtemp(join(tmpdir(), 'kube-double-kubectl-'));
    try {
      const config = join(dir, 'kubeconfig');
      await kit.kube.writeKubeconfig(config);
      await createNamespace(kit, 'paas-shop');
      await kit.apps.createNamespacedDeployment({ namespace: 'paas-shop', body: appDeployment('shop-v1-web', { replicas: 2 }) });
      await eventually('2 ready', () => kit.kube.get('deployments', 'paas-shop', 'shop-v1-web')?.status?.readyReplicas === 2);
      const kubectl = async (...args: string[]): Promise<string> => (await run(KUBECTL, ['--kubeconfig', config, '--cache-dir', join(dir, 'cache'), ...args], { timeout: 15_000 })).stdout;

      const deployments = JSON.parse(await kubectl('get', 'deployments', '-A', '-o', 'json'));
      assert.equal(deployments.kind, 'List');
      assert.equal(deployments.items.length, 1);
      const d = deployments.items[0];
      assert.equal(d.apiVersion, 'apps/v1');
      assert.equal(d.kind, 'Deployment');
      assert.equal(d.metadata.namespace, 'paas-shop');
      assert.equal(d.status.readyReplicas, 2);
      assert.equal(d.spec.strategy.rollingUpdate.maxSurge, '25%');

      const pods = JSON.parse(await kubectl('get', 'pods', '-n', 'paas-shop', '-l', 'app=shop-v1-web', '-o', 'json'));
      assert.equal(pods.items.length, 2);
      assert.ok(pods.items.every((p: any) => p.status.phase === 'Running' && /^127\./.test(p.status.podIP)));

      const table = await kubectl('get', 'deployments', '-n', 'paas-shop');
      assert.match(table, /shop-v1-web/);
      const version = JSON.parse(await kubectl('version', '-o', 'json'));
      assert.equal(version.serverVersion.gitVersion, 'v1.33.0');
      const missing = await run(KUBECTL, ['--kubeconfig', config, '--cache-dir', join(dir, 'cache'), 'get', 'deployment', 'nope', '-n', 'paas-shop']).catch((e: { stderr: string }) => e);
      assert.match((missing as { stderr: string }).stderr, /Error from server \(NotFound\): deployments.apps "nope" not found/);
    } finally {
      await kit.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
