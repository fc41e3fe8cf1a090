/**
 * paas-server: wiring only. Parses the configuration once, builds the real
 * adapters (SQLite store, clock, logger) and starts the control plane, or
 * runs one of the operator subcommands.
 *
 *   paas-server [--port 5000] [--data-dir ./.paas] …   start the control plane
 *   paas-server tokens:create --admin [--email E]      print a new admin token
 *   paas-server help                                   settings and commands
 */
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { configHelp, parseServerConfig, type ServerConfig } from './config.js';
import { PaasError } from './errors.js';
import { ensureFirstAdmin, recoverAdminToken } from './bootstrap.js';
import { createApiApp } from './http/app.js';
import { makePublicUrls } from './http/deps.js';
import { openSqliteStore } from './store/sqlite-store.js';
import type { Store } from './store/store.js';

const USAGE = `Usage: paas-server [COMMAND] [--setting value …]

Commands:
  (none)                          start the control plane
  tokens:create --admin [--email EMAIL]
                                  print a new admin token (operator recovery)
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

async function serve(config: ServerConfig): Promise<void> {
  const store = openStore(config);
  const first = await ensureFirstAdmin(store);
  if (first) {
    process.stdout.write(`Created admin ${first.user.email}. Admin token (shown once, keep it safe):\n${first.token}\n`);
  }
  // Listen before building the app so port 0 (tests) resolves to the real
  // port inside every URL the API hands out.
  const server = createServer();
  server.listen(config.port, config.host);
  await new Promise<void>((ok, fail) => {
    server.once('listening', ok);
    server.once('error', fail);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = config.publicUrl ?? `http://${config.host}:${port}`;
  const deps = {
    store,
    now: () => new Date(),
    urls: makePublicUrls({ api: url, domain: config.domain, routerPort: config.routerPort }),
    log,
    hooks: {},
  };
  const app = createApiApp({ deps, maxBodyBytes: config.maxBodyKilobytes * 1024 });
  server.on('request', app);
  process.stdout.write(`paas-server listening on http://${config.host}:${port}\n`);

  const shutdown = () => {
    log('shutting down');
    server.close(() => void store.close().then(() => process.exit(0)));
    server.closeAllConnections();
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
    const store = openStore(parseServerConfig(process.env, settings));
    const { user, token } = await recoverAdminToken(store, email);
    await store.close();
    process.stdout.write(`Admin token for ${user.email} (shown once):\n${token}\n`);
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
