import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedTenant } from './seed.js';
import { startTestApi, type TestApi } from './test-api.js';

/** An API with run data of its own, tenant acme's DEVELOPER and VIEWER, and an OWNER of tenant other. */
export interface RunsApi {
  api: TestApi;
  /** CYCLONE_DATA_DIR: the runs' workspaces are under it. */
  dataDir: string;
  dev: string;
  viewer: string;
  /** A member of another tenant only. */
  outsider: string;
  stop(): Promise<void>;
}

/**
 * The set-up of the run tests: an API on a data folder of its own (named after `prefix`),
 * tenant acme with project web and a signed-in DEVELOPER and VIEWER, and tenant other
 * with project web and its OWNER.
 */
export async function startRunsApi(prefix: string): Promise<RunsApi> {
  const dataDir = mkdtempSync(join(tmpdir(), `cyclone-${prefix}-`));
  const api = await startTestApi({ CYCLONE_DATA_DIR: dataDir });
  const admin = await api.loginAsAdmin();
  const roles = await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER', 'VIEWER'] });
  const other = await seedTenant(api, admin, 'other', { projects: ['web'], roles: ['OWNER'] });
  return {
    api,
    dataDir,
    dev: roles.DEVELOPER,
    viewer: roles.VIEWER,
    outsider: other.OWNER,
    stop: async () => {
      await api.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
