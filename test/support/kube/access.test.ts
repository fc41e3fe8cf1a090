/**
 * How clients reach the double: a kubeconfig over HTTPS (the default, CA
 * inline), plain HTTP when asked, and the in-cluster files a
 * ServiceAccount mount has, for KubeConfig.loadFromCluster(pathPrefix).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { startKubeDouble } from './double.js';

describe('kube double: access', () => {
  test('plain HTTP when tls is false', async () => {
    const kube = await startKubeDouble({ tls: false, token: 'plain-token' });
    try {
      assert.match(kube.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(kube.caCert, undefined);
      const kc = new k8s.KubeConfig();
      kc.loadFromString(kube.kubeconfig());
      assert.equal(kc.getCurrentUser()?.token, 'plain-token');
      const namespaces = await kc.makeApiClient(k8s.CoreV1Api).listNamespace();
      assert.deepEqual(namespaces.items.map((n) => n.metadata?.name), ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    } finally {
      await kube.close();
    }
  });

  test('in-cluster files work with KubeConfig.loadFromCluster', async () => {
    const kube = await startKubeDouble();
    const dir = await mkdtemp(join(tmpdir(), 'kube-double-sa-'));
    // loadFromCluster reads KUBERNETES_SERVICE_HOST/PORT from the environment, as in a pod; set them for this test only
    const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    try {
      const { host, port } = await kube.writeInClusterFiles(dir, 'paas');
      assert.equal(await readFile(join(dir, 'var/run/secrets/kubernetes.io/serviceaccount/namespace'), 'utf8'), 'paas');
      process.env.KUBERNETES_SERVICE_HOST = host;
      process.env.KUBERNETES_SERVICE_PORT = port;
      const kc = new k8s.KubeConfig();
      kc.loadFromCluster(dir);
      const ns = await kc.makeApiClient(k8s.CoreV1Api).readNamespace({ name: 'kube-system' });
      assert.equal(ns.status?.phase, 'Active');
    } finally {
      for (const [k, v] of [['KUBERNETES_SERVICE_HOST', saved.host], ['KUBERNETES_SERVICE_PORT', saved.port]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await kube.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
