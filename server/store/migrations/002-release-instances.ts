import type { Migration } from './index.js';

/**
 * A warm rollback makes a new release (v5 "Rollback to v3") that is served by
 * the instances v3 already runs. `runs_on` names the release whose instances
 * serve a release; it equals `version` for every release that started its own.
 */
export const migration002: Migration = {
  version: 2,
  name: 'release-instances',
  sql: `
ALTER TABLE releases ADD COLUMN runs_on INTEGER;
UPDATE releases SET runs_on = version;
`,
};
