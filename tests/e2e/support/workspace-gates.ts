import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Gates a spec opens to let waiting stages go on (apps/api/src/testing/workspace-gates.ts
 * explains the scheme). A sandboxed stage sees only its run workspace, so an opened gate
 * is a file the spec writes into the workspaces under E2E_DATA_DIR (set by the global
 * set-up) of every run that waits for it, also of runs that start later. A running
 * instance given by E2E_BASE_URL has no known data folder: its stages (unsandboxed on
 * this machine) see the gate file in a folder of /tmp instead.
 */
export function workspaceGates(pollMs = 100) {
  const dataDir = process.env.E2E_DATA_DIR;
  const hostGates = mkdtempSync(path.join(os.tmpdir(), 'cyclone-e2e-gates-'));
  const opened = new Set<string>();
  const sweep = () => {
    const root = dataDir ? path.join(dataDir, 'workspaces') : undefined;
    if (!root || opened.size === 0 || !existsSync(root)) return;
    for (const run of readdirSync(root)) {
      for (const name of opened) {
        const workspace = path.join(root, run);
        if (
          existsSync(path.join(workspace, `.gate-wanted-${name}`)) &&
          !existsSync(path.join(workspace, `.gate-${name}`))
        ) {
          try {
            writeFileSync(path.join(workspace, `.gate-${name}`), '');
          } catch {
            // Deleted meanwhile.
          }
        }
      }
    }
  };
  const timer = setInterval(sweep, pollMs);
  timer.unref();
  return {
    script: (name: string) =>
      `touch "$CYCLONE_WORKSPACE/.gate-wanted-${name}"; while [ ! -e "$CYCLONE_WORKSPACE/.gate-${name}" ] && [ ! -e ${path.join(hostGates, name)} ]; do sleep 0.2; done`,
    open: (name: string) => {
      opened.add(name);
      writeFileSync(path.join(hostGates, name), '');
      sweep();
    },
  };
}
