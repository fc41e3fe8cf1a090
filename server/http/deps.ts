/**
 * What the API routes are given. main.ts builds the real ones; tests build
 * the same with a temp data directory. Hooks let the controller react to
 * changes (a config change makes a release) without the routes knowing how.
 */
import type { Store } from '../store/store.js';
import type { App, ConfigVars, User } from '../store/types.js';
import type { Logger } from './errors.js';

export interface PublicUrls {
  /** Base URL of the API and git endpoint, without trailing slash. */
  api: string;
  gitUrl(app: string): string;
  webUrl(app: string): string;
}

export interface ConfigChange {
  app: App;
  user: User;
  set: ConfigVars;
  unset: string[];
  config: ConfigVars;
}

export interface AppHooks {
  /** After config vars changed; may create and roll out a release. */
  configChanged?(change: ConfigChange): Promise<{ version: number } | undefined>;
  /** After the app's record is made (its namespace on Kubernetes); a failure undoes the creation. */
  appCreated?(app: App): Promise<void>;
  /** Before the app's records are deleted: stop instances, drop routes. */
  appDestroying?(app: App): Promise<void>;
}

export interface ApiDeps {
  store: Store;
  now: () => Date;
  urls: PublicUrls;
  log: Logger;
  hooks: AppHooks;
}

export function makePublicUrls(options: { api: string; domain: string; routerPort: number }): PublicUrls {
  const api = options.api.replace(/\/+$/, '');
  const port = options.routerPort === 80 ? '' : `:${options.routerPort}`;
  return {
    api,
    gitUrl: (app) => `${api}/${app}.git`,
    webUrl: (app) => `http://${app}.${options.domain}${port}`,
  };
}
