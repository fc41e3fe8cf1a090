/**
 * The store interface: everything the control plane persists goes through
 * here. Methods are async so a networked database can implement it too.
 */
import type {
  App, Build, BuildStatus, Collaborator, ConfigVars, Formation, NewRelease, Release, ReleaseStatus, Role, TokenRecord, User,
} from './types.js';

export interface NewToken {
  id: string;
  userId: number;
  secretHash: string;
  description: string;
  expiresAt: Date | null;
}

export interface TrafficShare {
  version: number;
  weight: number;
}

export interface ReleaseQuery {
  before?: number;
  status?: ReleaseStatus;
}

export interface BuildUpdate {
  status?: BuildStatus;
  image?: string | null;
  digest?: string | null;
  processTypes?: Record<string, string> | null;
  stack?: string | null;
  error?: string | null;
  finishedAt?: Date | null;
}

export interface Store {
  // users
  createUser(input: { email: string; admin: boolean }): Promise<User>;
  getUserById(id: number): Promise<User | undefined>;
  getUserByEmail(email: string): Promise<User | undefined>;
  listUsers(): Promise<User[]>;
  deleteUser(id: number): Promise<void>;
  countUsers(): Promise<number>;

  // tokens
  createToken(input: NewToken): Promise<TokenRecord>;
  getToken(id: string): Promise<TokenRecord | undefined>;
  listTokens(userId: number): Promise<TokenRecord[]>;
  deleteToken(id: string): Promise<void>;
  touchToken(id: string, at: Date): Promise<void>;

  // apps and access
  createApp(input: { name: string; ownerId: number }): Promise<App>;
  getApp(name: string): Promise<App | undefined>;
  /** Every app when userId is undefined, else the apps the user owns or collaborates on. */
  listApps(userId?: number): Promise<App[]>;
  deleteApp(id: number): Promise<void>;
  setHealthcheckPath(appId: number, path: string | null): Promise<void>;
  roleOf(appId: number, userId: number): Promise<Role | undefined>;
  listCollaborators(appId: number): Promise<Collaborator[]>;
  addCollaborator(appId: number, userId: number): Promise<void>;
  removeCollaborator(appId: number, userId: number): Promise<void>;

  // config vars
  getConfig(appId: number): Promise<ConfigVars>;
  /** Applies sets and unsets in one transaction; returns the new config. */
  updateConfig(appId: number, set: ConfigVars, unset: string[]): Promise<ConfigVars>;

  // builds
  createBuild(input: { id: string; appId: number; commit: string; createdBy: string }): Promise<Build>;
  updateBuild(id: string, update: BuildUpdate): Promise<void>;
  appendBuildLog(id: string, lines: string[]): Promise<void>;
  getBuild(appId: number, id: string): Promise<Build | undefined>;
  getBuildLog(id: string): Promise<string[]>;
  listBuilds(appId: number, limit: number): Promise<Build[]>;

  // releases: numbers come from a per-app sequence and are never reused
  createRelease(input: NewRelease): Promise<Release>;
  setReleaseStatus(appId: number, version: number, status: ReleaseStatus, error?: string | null): Promise<void>;
  markReleasePhase(appId: number, version: number): Promise<void>;
  /** Records where the release's image was published (registry tag and digest). */
  setReleaseImage(appId: number, version: number, image: string, digest: string | null): Promise<void>;
  getRelease(appId: number, version: number): Promise<Release | undefined>;
  /** Newest first; `before` keeps versions below it, `status` one status. */
  listReleases(appId: number, limit: number, query?: ReleaseQuery): Promise<Release[]>;

  /**
   * After a restart, in one transaction whatever the number of apps: pending
   * releases and unfinished builds fail with `reason`, and failed releases
   * leave the traffic table where they were waiting at weight 0.
   */
  settleInterrupted(reason: { release: string; build: string }, at: Date): Promise<{ releases: number; builds: number }>;

  // traffic: which releases get the app's requests, weights summing to 100
  getTraffic(appId: number): Promise<TrafficShare[]>;
  setTraffic(appId: number, shares: TrafficShare[]): Promise<void>;
  /** All traffic to the release and its status succeeded, in one transaction: it is never live and failed, nor succeeded without traffic. */
  goLive(appId: number, version: number): Promise<void>;

  // formation
  getFormation(appId: number): Promise<Formation>;
  setFormation(appId: number, formation: Formation): Promise<Formation>;

  close(): Promise<void>;
}
