/**
 * Versioned schema migrations. Each entry runs once, in order, inside a
 * transaction; `PRAGMA user_version` records the last one applied. Never edit
 * a shipped migration: add the next number.
 */
import { migration001 } from './001-initial.js';
import { migration002 } from './002-release-instances.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [migration001, migration002];
