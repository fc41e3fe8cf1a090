/**
 * The git endpoint alone on 127.0.0.1, port 0, with stand-in auth and build:
 * tokens map to user names, apps list their members, and onPush is whatever
 * the test passes (by default: two progress lines, then ok). Every push the
 * build saw is recorded, so tests can assert what it was given.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { PaasError } from '../../server/errors.js';
import { createGitRouter, parseBasicCredentials, type GitRouterOptions, type PushContext, type PushOutcome } from '../../server/git/index.js';
import { removeDir, tempDir } from './git-fixtures.js';

export interface TestUser {
  name: string;
}

export interface GitServerOptions {
  /** token ▶ user name; default { 'good-token': 'alice', 'other-token': 'bob' }. */
  tokens?: Record<string, string>;
  /** app ▶ user names allowed to push and fetch; default { 'my-app': ['alice'] }. */
  members?: Record<string, string[]>;
  /** app ▶ user names allowed to fetch only; default { 'my-app': ['carol'] }. */
  readers?: Record<string, string[]>;
  onPush?: (push: PushContext<TestUser>) => Promise<PushOutcome>;
  maxPushBytes?: number;
}

export interface TestGitServer {
  port: number;
  reposDir: string;
  /** Every push that reached onPush, in order. */
  pushes: Array<PushContext<TestUser>>;
  /** Messages the router logged (internal errors). */
  logs: string[];
  /** http://x:<token>@127.0.0.1:<port>/<app>.git, or without credentials when token is undefined. */
  url(app: string, token?: string): string;
  close(): Promise<void>;
}

export const GOOD_TOKEN = 'good-token';
export const OTHER_TOKEN = 'other-token';
/** A user who may fetch my-app but not push to it. */
export const READER_TOKEN = 'reader-token';

export async function startGitServer(options: GitServerOptions = {}): Promise<TestGitServer> {
  const tokens = options.tokens ?? { [GOOD_TOKEN]: 'alice', [OTHER_TOKEN]: 'bob', [READER_TOKEN]: 'carol' };
  const members = options.members ?? { 'my-app': ['alice'] };
  const readers = options.readers ?? { 'my-app': ['carol'] };
  const reposDir = await tempDir('repos');
  const pushes: Array<PushContext<TestUser>> = [];
  const logs: string[] = [];
  const routerOptions: GitRouterOptions<TestUser> = {
    reposDir,
    maxPushBytes: options.maxPushBytes ?? 100 * 1024 * 1024,
    log: (message) => logs.push(message),
    async authenticate(req) {
      const credentials = parseBasicCredentials(req.headers.authorization);
      if (!credentials) return undefined;
      const name = tokens[credentials.password];
      if (!name) throw new PaasError('UNAUTHORIZED', 'Invalid, expired or revoked token', { hint: 'Create a new token with "paas tokens:create".' });
      return { name };
    },
    async authorize(user, app, action) {
      const allowed = members[app];
      if (!allowed) throw new PaasError('APP_NOT_FOUND', `Couldn't find that app: ${app}`, { hint: 'Run "paas apps".' });
      if (action === 'fetch' && readers[app]?.includes(user.name)) return;
      if (!allowed.includes(user.name)) throw new PaasError('FORBIDDEN', `${user.name} may not ${action} ${app}`, { hint: 'Ask the owner to add you.' });
    },
    async onPush(push) {
      pushes.push(push);
      if (options.onPush) return options.onPush(push);
      push.progress('-----> Building');
      push.progress('-----> Done');
      return { ok: true, message: `Released v${pushes.length}` };
    },
  };
  const app = express();
  app.use(createGitRouter(routerOptions));
  app.use((_req, res) => {
    res.status(404).type('text/plain').send('not a git path\n');
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    reposDir,
    pushes,
    logs,
    url: (appName, token) => (token === undefined ? `http://127.0.0.1:${port}/${appName}.git` : `http://x:${token}@127.0.0.1:${port}/${appName}.git`),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await removeDir(reposDir);
    },
  };
}
