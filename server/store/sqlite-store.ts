/**
 * The Store on SQLite (better-sqlite3): the embedded default, one file under
 * the data directory. WAL mode so the router's watch reads never block
 * writes; foreign keys on so destroying an app takes its rows with it.
 */
import Database from 'better-sqlite3';
import { PaasError } from '../errors.js';
import { MIGRATIONS } from './migrations/index.js';
import type { BuildUpdate, NewToken, ReleaseQuery, Store, TrafficShare } from './store.js';
import type {
  App, Build, BuildStatus, Collaborator, ConfigVars, Formation, NewRelease, Release, ReleaseStatus, Role, TokenRecord, User,
} from './types.js';

type Row = Record<string, unknown>;

export interface SqliteStoreOptions {
  /** File path, or ':memory:' for tests. */
  file: string;
  now?: () => Date;
}

export function openSqliteStore(options: SqliteStoreOptions): Store {
  const db = new Database(options.file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return new SqliteStore(db, options.now ?? (() => new Date()));
}

function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
  if (current > latest) {
    throw new PaasError('INTERNAL', `Database schema is v${current}, newer than this paas-server understands (v${latest})`, {
      hint: 'Run the paas-server version that wrote this data directory, or a newer one.',
    });
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}

const iso = (d: Date): string => d.toISOString();
const date = (v: unknown): Date => new Date(String(v));
const maybeDate = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(String(v)));
const json = <T>(v: unknown): T => JSON.parse(String(v)) as T;

function toUser(r: Row): User {
  return { id: Number(r.id), email: String(r.email), admin: r.admin === 1, createdAt: date(r.created_at) };
}

function toToken(r: Row): TokenRecord {
  return {
    id: String(r.id),
    userId: Number(r.user_id),
    secretHash: String(r.secret_hash),
    description: String(r.description),
    createdAt: date(r.created_at),
    lastUsedAt: maybeDate(r.last_used_at),
    expiresAt: maybeDate(r.expires_at),
  };
}

function toApp(r: Row): App {
  return {
    id: Number(r.id),
    name: String(r.name),
    ownerId: Number(r.owner_id),
    ownerEmail: String(r.owner_email),
    createdAt: date(r.created_at),
    healthcheckPath: r.healthcheck_path === null ? null : String(r.healthcheck_path),
  };
}

function toBuild(r: Row): Build {
  return {
    id: String(r.id),
    appId: Number(r.app_id),
    commit: String(r.commit_sha),
    status: String(r.status) as BuildStatus,
    image: r.image === null ? null : String(r.image),
    digest: r.digest === null ? null : String(r.digest),
    processTypes: r.process_types === null ? null : json(r.process_types),
    stack: r.stack === null ? null : String(r.stack),
    error: r.error === null ? null : String(r.error),
    createdBy: String(r.created_by),
    createdAt: date(r.created_at),
    finishedAt: maybeDate(r.finished_at),
  };
}

function toRelease(r: Row): Release {
  return {
    appId: Number(r.app_id),
    version: Number(r.version),
    buildId: r.build_id === null ? null : String(r.build_id),
    image: r.image === null ? null : String(r.image),
    digest: r.digest === null ? null : String(r.digest),
    config: json(r.config),
    processTypes: json(r.process_types),
    description: String(r.description),
    createdBy: String(r.created_by),
    createdAt: date(r.created_at),
    status: String(r.status) as ReleaseStatus,
    error: r.error === null ? null : String(r.error),
    ranReleasePhase: r.ran_release_phase === 1,
    runsOn: r.runs_on === null ? Number(r.version) : Number(r.runs_on),
  };
}

const APP_SELECT = `SELECT a.*, u.email AS owner_email FROM apps a JOIN users u ON u.id = a.owner_id`;

class SqliteStore implements Store {
  constructor(private readonly db: Database.Database, private readonly now: () => Date) {}

  private get(sql: string, ...params: unknown[]): Row | undefined {
    return this.db.prepare(sql).get(...params) as Row | undefined;
  }

  private all(sql: string, ...params: unknown[]): Row[] {
    return this.db.prepare(sql).all(...params) as Row[];
  }

  private run(sql: string, ...params: unknown[]): Database.RunResult {
    return this.db.prepare(sql).run(...params);
  }

  async createUser(input: { email: string; admin: boolean }): Promise<User> {
    try {
      const result = this.run('INSERT INTO users (email, admin, created_at) VALUES (?, ?, ?)', input.email, input.admin ? 1 : 0, iso(this.now()));
      return toUser(this.get('SELECT * FROM users WHERE id = ?', result.lastInsertRowid)!);
    } catch (err) {
      if (isUniqueViolation(err)) throw new PaasError('USER_EXISTS', `User ${input.email} already exists`, { cause: err });
      throw err;
    }
  }

  async getUserById(id: number): Promise<User | undefined> {
    const row = this.get('SELECT * FROM users WHERE id = ?', id);
    return row && toUser(row);
  }

  async getUserByEmail(email: string): Promise<User | undefined> {
    const row = this.get('SELECT * FROM users WHERE email = ?', email);
    return row && toUser(row);
  }

  async listUsers(): Promise<User[]> {
    return this.all('SELECT * FROM users ORDER BY email').map(toUser);
  }

  async deleteUser(id: number): Promise<void> {
    this.run('DELETE FROM users WHERE id = ?', id);
  }

  async countUsers(): Promise<number> {
    return Number(this.get('SELECT count(*) AS n FROM users')!.n);
  }

  async createToken(input: NewToken): Promise<TokenRecord> {
    this.run(
      'INSERT INTO tokens (id, user_id, secret_hash, description, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
      input.id, input.userId, input.secretHash, input.description, iso(this.now()), input.expiresAt && iso(input.expiresAt),
    );
    return toToken(this.get('SELECT * FROM tokens WHERE id = ?', input.id)!);
  }

  async getToken(id: string): Promise<TokenRecord | undefined> {
    const row = this.get('SELECT * FROM tokens WHERE id = ?', id);
    return row && toToken(row);
  }

  async listTokens(userId: number): Promise<TokenRecord[]> {
    return this.all('SELECT * FROM tokens WHERE user_id = ? ORDER BY created_at, id', userId).map(toToken);
  }

  async deleteToken(id: string): Promise<void> {
    this.run('DELETE FROM tokens WHERE id = ?', id);
  }

  async touchToken(id: string, at: Date): Promise<void> {
    this.run('UPDATE tokens SET last_used_at = ? WHERE id = ?', iso(at), id);
  }

  async createApp(input: { name: string; ownerId: number }): Promise<App> {
    try {
      const result = this.run('INSERT INTO apps (name, owner_id, created_at) VALUES (?, ?, ?)', input.name, input.ownerId, iso(this.now()));
      this.run('INSERT INTO formation (app_id, process, quantity) VALUES (?, ?, 1)', result.lastInsertRowid, 'web');
      return toApp(this.get(`${APP_SELECT} WHERE a.id = ?`, result.lastInsertRowid)!);
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new PaasError('APP_EXISTS', `App ${input.name} already exists`, { hint: 'Pick another name, or omit it to get a generated one.', cause: err });
      }
      throw err;
    }
  }

  async getApp(name: string): Promise<App | undefined> {
    const row = this.get(`${APP_SELECT} WHERE a.name = ?`, name);
    return row && toApp(row);
  }

  async listApps(userId?: number): Promise<App[]> {
    if (userId === undefined) return this.all(`${APP_SELECT} ORDER BY a.name`).map(toApp);
    return this.all(
      `${APP_SELECT} WHERE a.owner_id = ? OR a.id IN (SELECT app_id FROM collaborators WHERE user_id = ?) ORDER BY a.name`,
      userId, userId,
    ).map(toApp);
  }

  async deleteApp(id: number): Promise<void> {
    this.run('DELETE FROM apps WHERE id = ?', id);
  }

  async setHealthcheckPath(appId: number, path: string | null): Promise<void> {
    this.run('UPDATE apps SET healthcheck_path = ? WHERE id = ?', path, appId);
  }

  async roleOf(appId: number, userId: number): Promise<Role | undefined> {
    if (this.get('SELECT 1 FROM apps WHERE id = ? AND owner_id = ?', appId, userId)) return 'owner';
    if (this.get('SELECT 1 FROM collaborators WHERE app_id = ? AND user_id = ?', appId, userId)) return 'collaborator';
    return undefined;
  }

  async listCollaborators(appId: number): Promise<Collaborator[]> {
    const rows = this.all(
      `SELECT u.id AS user_id, u.email, 'owner' AS role, a.created_at FROM apps a JOIN users u ON u.id = a.owner_id WHERE a.id = ?
       UNION ALL
       SELECT u.id, u.email, 'collaborator', c.created_at FROM collaborators c JOIN users u ON u.id = c.user_id WHERE c.app_id = ?
       ORDER BY role DESC, email`,
      appId, appId,
    );
    return rows.map((r) => ({ userId: Number(r.user_id), email: String(r.email), role: r.role as Role, createdAt: date(r.created_at) }));
  }

  async addCollaborator(appId: number, userId: number): Promise<void> {
    this.run('INSERT OR IGNORE INTO collaborators (app_id, user_id, created_at) VALUES (?, ?, ?)', appId, userId, iso(this.now()));
  }

  async removeCollaborator(appId: number, userId: number): Promise<void> {
    this.run('DELETE FROM collaborators WHERE app_id = ? AND user_id = ?', appId, userId);
  }

  async getConfig(appId: number): Promise<ConfigVars> {
    const vars: ConfigVars = {};
    for (const row of this.all('SELECT key, value FROM config_vars WHERE app_id = ? ORDER BY key', appId)) {
      vars[String(row.key)] = String(row.value);
    }
    return vars;
  }

  async updateConfig(appId: number, set: ConfigVars, unset: string[]): Promise<ConfigVars> {
    this.db.transaction(() => {
      const upsert = this.db.prepare('INSERT INTO config_vars (app_id, key, value) VALUES (?, ?, ?) ON CONFLICT (app_id, key) DO UPDATE SET value = excluded.value');
      for (const [key, value] of Object.entries(set)) upsert.run(appId, key, value);
      const remove = this.db.prepare('DELETE FROM config_vars WHERE app_id = ? AND key = ?');
      for (const key of unset) remove.run(appId, key);
    })();
    return this.getConfig(appId);
  }

  async createBuild(input: { id: string; appId: number; commit: string; createdBy: string }): Promise<Build> {
    this.run(
      'INSERT INTO builds (id, app_id, commit_sha, status, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      input.id, input.appId, input.commit, 'pending', input.createdBy, iso(this.now()),
    );
    return toBuild(this.get('SELECT * FROM builds WHERE id = ?', input.id)!);
  }

  async updateBuild(id: string, update: BuildUpdate): Promise<void> {
    const columns: Record<keyof BuildUpdate, string> = {
      status: 'status', image: 'image', digest: 'digest', processTypes: 'process_types', stack: 'stack', error: 'error', finishedAt: 'finished_at',
    };
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [key, column] of Object.entries(columns) as [keyof BuildUpdate, string][]) {
      if (!(key in update)) continue;
      const value = update[key];
      sets.push(`${column} = ?`);
      values.push(value instanceof Date ? iso(value) : key === 'processTypes' && value !== null ? JSON.stringify(value) : value);
    }
    if (sets.length > 0) this.run(`UPDATE builds SET ${sets.join(', ')} WHERE id = ?`, ...values, id);
  }

  async appendBuildLog(id: string, lines: string[]): Promise<void> {
    this.db.transaction(() => {
      const next = Number(this.get('SELECT coalesce(max(seq), 0) AS n FROM build_logs WHERE build_id = ?', id)!.n);
      const insert = this.db.prepare('INSERT INTO build_logs (build_id, seq, line) VALUES (?, ?, ?)');
      lines.forEach((line, i) => insert.run(id, next + i + 1, line));
    })();
  }

  async getBuild(appId: number, id: string): Promise<Build | undefined> {
    const row = this.get('SELECT * FROM builds WHERE app_id = ? AND id = ?', appId, id);
    return row && toBuild(row);
  }

  async getBuildLog(id: string): Promise<string[]> {
    return this.all('SELECT line FROM build_logs WHERE build_id = ? ORDER BY seq', id).map((r) => String(r.line));
  }

  async listBuilds(appId: number, limit: number): Promise<Build[]> {
    return this.all('SELECT * FROM builds WHERE app_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?', appId, limit).map(toBuild);
  }

  async createRelease(input: NewRelease): Promise<Release> {
    const version = this.db.transaction(() => {
      this.run('UPDATE apps SET release_seq = release_seq + 1 WHERE id = ?', input.appId);
      const next = Number(this.get('SELECT release_seq FROM apps WHERE id = ?', input.appId)!.release_seq);
      this.run(
        `INSERT INTO releases (app_id, version, build_id, image, digest, config, process_types, description, created_by, created_at, status, runs_on)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        input.appId, next, input.buildId, input.image, input.digest, JSON.stringify(input.config), JSON.stringify(input.processTypes),
        input.description, input.createdBy, iso(this.now()), input.status, input.runsOn ?? next,
      );
      return next;
    })();
    return (await this.getRelease(input.appId, version))!;
  }

  async setReleaseStatus(appId: number, version: number, status: ReleaseStatus, error: string | null = null): Promise<void> {
    this.run('UPDATE releases SET status = ?, error = ? WHERE app_id = ? AND version = ?', status, error, appId, version);
  }

  async markReleasePhase(appId: number, version: number): Promise<void> {
    this.run('UPDATE releases SET ran_release_phase = 1 WHERE app_id = ? AND version = ?', appId, version);
  }

  async setReleaseImage(appId: number, version: number, image: string, digest: string | null): Promise<void> {
    this.run('UPDATE releases SET image = ?, digest = ? WHERE app_id = ? AND version = ?', image, digest, appId, version);
  }

  async getRelease(appId: number, version: number): Promise<Release | undefined> {
    const row = this.get('SELECT * FROM releases WHERE app_id = ? AND version = ?', appId, version);
    return row && toRelease(row);
  }

  async listReleases(appId: number, limit: number, query: ReleaseQuery = {}): Promise<Release[]> {
    return this.all(
      `SELECT * FROM releases WHERE app_id = ? AND version < ? AND (? IS NULL OR status = ?) ORDER BY version DESC LIMIT ?`,
      appId, query.before ?? Number.MAX_SAFE_INTEGER, query.status ?? null, query.status ?? null, limit,
    ).map(toRelease);
  }

  async settleInterrupted(reason: { release: string; build: string }, at: Date): Promise<{ releases: number; builds: number }> {
    return this.db.transaction(() => {
      const releases = this.run(`UPDATE releases SET status = 'failed', error = ? WHERE status = 'pending'`, reason.release).changes;
      const builds = this.run(`UPDATE builds SET status = 'failed', error = ?, finished_at = ? WHERE status IN ('pending', 'building')`, reason.build, iso(at)).changes;
      this.run(`DELETE FROM traffic WHERE weight = 0 AND EXISTS (
        SELECT 1 FROM releases r WHERE r.app_id = traffic.app_id AND r.version = traffic.version AND r.status = 'failed')`);
      return { releases, builds };
    })();
  }

  async getTraffic(appId: number): Promise<TrafficShare[]> {
    return this.all('SELECT version, weight FROM traffic WHERE app_id = ? ORDER BY version', appId)
      .map((r) => ({ version: Number(r.version), weight: Number(r.weight) }));
  }

  async setTraffic(appId: number, shares: TrafficShare[]): Promise<void> {
    this.db.transaction(() => {
      this.run('DELETE FROM traffic WHERE app_id = ?', appId);
      const insert = this.db.prepare('INSERT INTO traffic (app_id, version, weight) VALUES (?, ?, ?)');
      for (const share of shares) insert.run(appId, share.version, share.weight);
    })();
  }

  async goLive(appId: number, version: number): Promise<void> {
    this.db.transaction(() => {
      this.run('DELETE FROM traffic WHERE app_id = ?', appId);
      this.run('INSERT INTO traffic (app_id, version, weight) VALUES (?, ?, 100)', appId, version);
      this.run(`UPDATE releases SET status = 'succeeded', error = NULL WHERE app_id = ? AND version = ?`, appId, version);
    })();
  }

  async getFormation(appId: number): Promise<Formation> {
    const formation: Formation = {};
    for (const row of this.all('SELECT process, quantity FROM formation WHERE app_id = ? ORDER BY process', appId)) {
      formation[String(row.process)] = Number(row.quantity);
    }
    return formation;
  }

  async setFormation(appId: number, formation: Formation): Promise<Formation> {
    this.db.transaction(() => {
      const upsert = this.db.prepare('INSERT INTO formation (app_id, process, quantity) VALUES (?, ?, ?) ON CONFLICT (app_id, process) DO UPDATE SET quantity = excluded.quantity');
      for (const [process, quantity] of Object.entries(formation)) upsert.run(appId, process, quantity);
    })();
    return this.getFormation(appId);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}
