/**
 * The JSON the paas API v1 answers with, as the CLI reads it. Mirrors the
 * server's presenters (server/http/present.ts); kept as plain types because
 * the CLI only displays these records and passes them through --json.
 */

export interface WhoAmI {
  email: string;
  admin: boolean;
}

export interface App {
  name: string;
  owner: string;
  createdAt: string;
  gitUrl: string;
  webUrl: string;
}

export type ConfigVars = Record<string, string>;

export interface Collaborator {
  email: string;
  role: 'owner' | 'collaborator';
  createdAt: string;
}

export interface User {
  email: string;
  admin: boolean;
  createdAt: string;
}

export interface Token {
  id: string;
  description: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

/** A token as created: the only time the secret is shown. */
export interface IssuedToken extends Token {
  token: string;
}

export interface CreatedUser {
  user: User;
  token: IssuedToken;
}

/** The API's error body (server/errors.ts ErrorBody). */
export interface ErrorBody {
  code: string;
  message: string;
  hint?: string;
  details?: { path: string; message: string }[];
}
