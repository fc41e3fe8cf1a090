/**
 * paas-server: wiring only. Parses the configuration once, builds the real
 * adapters (SQLite store, clock, logger) and starts the control plane, or
 * runs one of the operator subcommands.
 *
 *   paas-server [--port 5000] [--data-dir ./.paas] …   start the control plane
 *   paas-server tokens:create --admin [--email E]      print a new admin token
 *   paas-server stacks:build [--force]                 make the offline stack image
 *   paas-server help                                   settings and commands
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { homedir } from 'node:os';
import Docker from 'dockerode';
import { runStacksBuild } from '../builder/stacks-build-command.js';
import { startEmbeddedRouter } from '../router/embedded.js';
import { createPlatform } from './platform.js';
import { createDockerRuntime } from './runtime/docker/docker-runtime.js';
import { loadKubeConfig, makeKubeClients } from './runtime/kubernetes/kube-clients.js';
import { createKubernetesRuntime } from './runtime/kubernetes/kubernetes-runtime.js';
import type { Runtime } from './runtime/runtime.js';
import { checkRegistry } from './deploy/registry-check.js';
import { join, resolve } from 'node:path';
import { configHelp, parseServerConfig, type ServerConfig } from './config.js';
import { PaasError } from './errors.js';
import { ensureFirstAdmin, recoverAdminToken } from './bootstrap.js';
import { makePublicUrls } from './http/deps.js';
import { openSqliteStore } from './store/sqlite-store.js';
import type { Store } from './store/store.js';

const USAGE = `Usage: paas-server [COMMAND] [--setting value …]

Commands:
  (none)                          start the control plane
  tokens:create --admin [--email EMAIL]
                                  print a new admin token (operator recovery)
  stacks:build [--force] [--tag IMAGE]
                                  make the offline stack image from Debian packages
  help                            this text

Settings (flag or environment variable):
${configHelp()}`;

function openStore(config: ServerConfig): Store {
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  return openSqliteStore({ file: join(dataDir, 'paas.db') });
}

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString()} ${line}\n`);
}

/** A random id per data directory: labels this installation's containers (two installs may share an engine). */
function installationId(dataDir: string): string {
  const file = join(resolve(dataDir), 'installation-id');
  if (!existsSync(file)) writeFileSync(file, `${randomBytes(6).toString('hex')}\n`, { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

async function connectDocker(): Promise<Docker> {
  // dockerode reads DOCKER_HOST / DOCKER_CERT_PATH itself, like the docker CLI.
  const docker = new Docker();
  try {
    await docker.ping();
  } catch (err) {
    throw new PaasError('UNAVAILABLE', `Cannot reach the Docker engine (${err instanceof Error ? err.message : String(err)})`, {
      hint: 'Start it ("bin/paas-up" installs and starts one on Debian), or point DOCKER_HOST at a running engine.',
    });
  }
  return docker;
}

async function makeRuntime(config: ServerConfig, docker: Docker): Promise<Runtime> {
  const installation = installationId(config.dataDir);
  if (config.runtime === 'kubernetes') {
    // The kubeconfig comes from the standard places: $KUBECONFIG, ~/.kube/config, or the pod's ServiceAccount.
    // Without any, client-node would quietly aim at http://localhost:8080; say so instead.
    if (!process.env.KUBECONFIG && !existsSync(join(homedir(), '.kube', 'config')) && !process.env.KUBERNETES_SERVICE_HOST) {
      throw new PaasError('UNAVAILABLE', 'No kubeconfig for the kubernetes runtime: KUBECONFIG is not set, ~/.kube/config does not exist, and this is not a pod', {
        hint: 'Point KUBECONFIG at a kubeconfig file, or run paas-server in the cluster (the Helm chart does).',
      });
    }
    let clients;
    try {
      clients = await makeKubeClients(loadKubeConfig());
    } catch (err) {
      throw new PaasError('UNAVAILABLE', `Cannot load a kubeconfig (${err instanceof Error ? err.message : String(err)})`, {
        hint: 'Set KUBECONFIG, write ~/.kube/config, or run paas-server in a pod with a ServiceAccount.',
      });
    }
    return createKubernetesRuntime({
      clients,
      settings: {
        namespacePrefix: config.kubeNamespacePrefix,
        installation,
        drainSeconds: config.drainSeconds,
        readyTimeoutSeconds: config.readyTimeoutSeconds,
        registry: { push: config.registry, pull: config.registryPull || config.registry },
      },
      ...(config.kubePullSecretFile ? { pullSecretJson: readFileSync(config.kubePullSecretFile, 'utf8') } : {}),
      log,
    });
  }
  return createDockerRuntime({ docker, extraLabels: { 'paas.dev/installation': installation }, drainMs: config.drainSeconds * 1000, log });
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  server.listen(port, host);
  await new Promise<void>((ok, fail) => {
    server.once('listening', ok);
    server.once('error', fail);
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}

async function serve(config: ServerConfig): Promise<void> {
  const store = openStore(config);
  const first = await ensureFirstAdmin(store);
  if (first) {
    process.stdout.write(`Created admin ${first.user.email}. Admin token (shown once, keep it safe):\n${first.token}\n`);
  }
  const docker = await connectDocker();
  if (config.registry) await checkRegistry(config.registry);
  const runtime = await makeRuntime(config, docker);

  // Listen before building the app so port 0 (tests) resolves to the real
  // port inside every URL the API hands out.
  const server = createServer();
  const port = await listen(server, config.port, config.host);
  const router = config.embeddedRouter
    ? await startEmbeddedRouter({ domain: config.domain, host: config.routerHost, port: config.routerPort }, log)
    : undefined;
  const routerPort = router ? router.port : config.routerPort;

  const platform = createPlatform({
    config, store, runtime, docker, log,
    now: () => new Date(),
    urls: makePublicUrls({ api: config.publicUrl ?? `http://${config.host}:${port}`, domain: config.domain, routerPort }),
    ...(config.buildCaFile ? { buildCaCerts: readFileSync(config.buildCaFile, 'utf8') } : {}),
  });
  if (router) {
    // Changes go to the router thread in order; the snapshot at completion makes its table whole.
    platform.hub.subscribe((change) => router.setApp(change.app, change.route));
    void platform.hub.published.then(() => router.setTable(platform.hub.current().table));
  }
  server.on('request', platform.app);
  await platform.start();
  process.stdout.write(`paas-server listening on http://${config.host}:${port}\n`);
  if (router) process.stdout.write(`paas router listening on http://${config.routerHost}:${routerPort}; apps at http://<app>.${config.domain}:${routerPort}\n`);

  const shutdown = () => {
    log('shutting down (apps keep running; the next start adopts them)');
    server.closeIdleConnections();
    void Promise.all([
      platform.stop(),
      new Promise((done) => server.close(done)),
      router?.close(config.drainSeconds * 1000),
    ]).then(() => store.close()).then(() => process.exit(0));
    // Streams (logs --tail, route watches) would hold close() open forever.
    setTimeout(() => server.closeAllConnections(), 1000).unref();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (command === 'tokens:create') {
    const admin = rest.includes('--admin');
    const emailAt = rest.indexOf('--email');
    const email = emailAt >= 0 ? rest[emailAt + 1] : undefined;
    const settings = rest.filter((arg, i) => arg !== '--admin' && i !== emailAt && i !== emailAt + 1);
    if (!admin) throw new PaasError('BAD_REQUEST', 'tokens:create needs --admin', { hint: 'Users make their own tokens with "paas tokens:create".' });
    const config = parseServerConfig(process.env, settings);
    // A mistyped data directory must not quietly become a new, empty platform.
    if (!existsSync(join(resolve(config.dataDir), 'paas.db'))) {
      throw new PaasError('NOT_FOUND', `No paas data in ${resolve(config.dataDir)}`, { hint: 'Point at the running server\'s data directory: --data-dir DIR or PAAS_DATA_DIR.' });
    }
    const store = openStore(config);
    const { user, token } = await recoverAdminToken(store, email);
    await store.close();
    process.stdout.write(`Admin token for ${user.email} (shown once):\n${token}\n`);
    return;
  }
  if (command === 'stacks:build') {
    await runStacksBuild(rest, { docker: new Docker(), isRoot: process.getuid?.() === 0, print: (line) => process.stdout.write(`${line}\n`) });
    return;
  }
  if (command !== undefined && !command.startsWith('-')) {
    throw new PaasError('BAD_REQUEST', `Unknown command "${command}"`, { hint: 'Run "paas-server help".' });
  }
  await serve(parseServerConfig(process.env, argv));
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof PaasError) {
    process.stderr.write(`paas-server: ${err.message}\n${err.hint ? `${err.hint}\n` : ''}`);
  } else {
    process.stderr.write(`paas-server: ${err instanceof Error ? err.stack : String(err)}\n`);
  }
  process.exit(1);
});
