/**
 * The typed API clients the driver uses, made once from a KubeConfig by
 * main.ts (kubeconfig from the standard places, or the in-cluster
 * ServiceAccount) or by a test (the API double's kubeconfig). Below this,
 * nothing builds a client.
 *
 * Connections are reused: client-node 1.4 makes a new https.Agent for every
 * request (KubeConfig.applySecurityAuthentication ▶ createAgent in
 * dist/config.js), so each API call paid a TCP and TLS handshake, on both
 * ends; a profile of the scale benchmark showed the handshakes as the
 * biggest cost after the work itself. Here every client shares one
 * keep-alive agent built from the same TLS material; credentials still go
 * per request (headers), so token rotation and exec plugins keep working.
 */
import http from 'node:http';
import https from 'node:https';
import {
  AppsV1Api, AuthorizationV1Api, BatchV1Api, CoreV1Api, DiscoveryV1Api, KubeConfig, Log, ServerConfiguration, VersionApi, Watch, createConfiguration,
  type RequestContext, type SecurityAuthentication,
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

export async function makeKubeClients(config: KubeConfig): Promise<KubeClients> {
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const tls: https.RequestOptions = {};
  await config.applyToHTTPSOptions(tls);
  const makeAgent = (maxSockets: number) => (cluster.server.startsWith('http:')
    ? new http.Agent({ keepAlive: true, maxSockets })
    : new https.Agent({
      keepAlive: true, maxSockets, ca: tls.ca, cert: tls.cert, key: tls.key, pfx: tls.pfx, passphrase: tls.passphrase,
      ...(tls.rejectUnauthorized !== undefined ? { rejectUnauthorized: tls.rejectUnauthorized } : {}),
      ...(tls.servername ? { servername: tls.servername } : {}),
    }));
  // Calls share a bounded pool (a burst at start-up reuses connections instead of opening hundreds);
  // watches and log streams hold their connection for long, so they get a pool of their own.
  const agent = makeAgent(32);
  const streamAgent = makeAgent(Infinity);
  const auth: SecurityAuthentication = {
    getName: () => 'kubeconfig',
    async applySecurityAuthentication(context: RequestContext) {
      await config.applySecurityAuthentication(context);
      context.setAgent(agent);
    },
  };
  const configuration = createConfiguration({ baseServer: new ServerConfiguration(cluster.server, {}), authMethods: { default: auth } });
  // Watch and Log read only these two members of the KubeConfig they are given.
  const streaming = {
    getCurrentCluster: () => config.getCurrentCluster(),
    applyToFetchOptions: async (opts: https.RequestOptions) => ({ ...(await config.applyToFetchOptions(opts)), agent: streamAgent }),
  } as unknown as KubeConfig;
  return {
    core: new CoreV1Api(configuration),
    apps: new AppsV1Api(configuration),
    discovery: new DiscoveryV1Api(configuration),
    batch: new BatchV1Api(configuration),
    authz: new AuthorizationV1Api(configuration),
    version: new VersionApi(configuration),
    watch: new Watch(streaming),
    log: new Log(streaming),
    server: cluster.server,
  };
}

export function loadKubeConfig(options: { kubeconfigFile?: string } = {}): KubeConfig {
  const config = new KubeConfig();
  if (options.kubeconfigFile) config.loadFromFile(options.kubeconfigFile);
  else config.loadFromDefault();
  return config;
}
