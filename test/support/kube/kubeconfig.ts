/**
 * How clients find the double: a kubeconfig (clusters / users / contexts,
 * the format of k8s.io/client-go/tools/clientcmd/api/v1) with the server
 * URL, the CA inline as certificate-authority-data and the bearer token;
 * or the files a ServiceAccount token mount has
 * (/var/run/secrets/kubernetes.io/serviceaccount/{token,ca.crt,namespace})
 * under a prefix, for client-node's KubeConfig.loadFromCluster(pathPrefix)
 * together with KUBERNETES_SERVICE_HOST/PORT.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ClusterAccess {
  server: string;
  token: string;
  caCert?: string;
  namespace?: string;
}

const q = (s: string): string => JSON.stringify(s);

export function kubeconfigYaml(a: ClusterAccess): string {
  const cluster = [`    server: ${q(a.server)}`];
  if (a.caCert) cluster.push(`    certificate-authority-data: ${Buffer.from(a.caCert).toString('base64')}`);
  // client-node refuses an http:// server unless TLS verification is explicitly off (config.js createAgent)
  else if (a.server.startsWith('http:')) cluster.push('    insecure-skip-tls-verify: true');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: kube-double',
    '  cluster:',
    ...cluster,
    'contexts:',
    '- name: kube-double',
    '  context:',
    '    cluster: kube-double',
    '    user: kube-double',
    `    namespace: ${q(a.namespace ?? 'default')}`,
    'current-context: kube-double',
    'users:',
    '- name: kube-double',
    '  user:',
    `    token: ${q(a.token)}`,
    'preferences: {}',
    '',
  ].join('\n');
}

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export async function writeInClusterFiles(dir: string, a: ClusterAccess): Promise<{ host: string; port: string }> {
  const target = join(dir, SERVICE_ACCOUNT_DIR);
  await mkdir(target, { recursive: true });
  await writeFile(join(target, 'token'), a.token);
  if (a.caCert) await writeFile(join(target, 'ca.crt'), a.caCert);
  await writeFile(join(target, 'namespace'), a.namespace ?? 'default');
  const url = new URL(a.server);
  return { host: url.hostname, port: url.port };
}
