/**
 * The typed API clients the driver uses, made once from a KubeConfig by
 * main.ts (kubeconfig from the standard places, or the in-cluster
 * ServiceAccount) or by a test (the API double's kubeconfig). Below this,
 * nothing builds a client.
 */
import {
  AppsV1Api, AuthorizationV1Api, BatchV1Api, CoreV1Api, DiscoveryV1Api, KubeConfig, Log, VersionApi, Watch,
} from '@kubernetes/client-node';

export interface KubeClients {
  core: CoreV1Api;
  apps: AppsV1Api;
  discovery: DiscoveryV1Api;
  batch: BatchV1Api;
  authz: AuthorizationV1Api;
  version: VersionApi;
  watch: Watch;
  log: Log;
  /** The API server's URL, for messages. */
  server: string;
}

export function makeKubeClients(config: KubeConfig): KubeClients {
  return {
    core: config.makeApiClient(CoreV1Api),
    apps: config.makeApiClient(AppsV1Api),
    discovery: config.makeApiClient(DiscoveryV1Api),
    batch: config.makeApiClient(BatchV1Api),
    authz: config.makeApiClient(AuthorizationV1Api),
    version: config.makeApiClient(VersionApi),
    watch: new Watch(config),
    log: new Log(config),
    server: config.getCurrentCluster()?.server ?? '(no cluster in the kubeconfig)',
  };
}

export function loadKubeConfig(options: { kubeconfigFile?: string } = {}): KubeConfig {
  const config = new KubeConfig();
  if (options.kubeconfigFile) config.loadFromFile(options.kubeconfigFile);
  else config.loadFromDefault();
  return config;
}
