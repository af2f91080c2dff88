import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Gates a test opens to let waiting stages go on. A stage sees nothing of the
 * machine but its run workspace (the sandbox), so the gate is a file the test puts
 * there: the stage announces what it waits for (`.gate-wanted-<name>`) and polls
 * for `.gate-<name>`, which the test writes into every workspace that wants an open
 * gate — also workspaces of runs that start later. `<name>` may be shell text
 * such as `$CYCLONE_RUN_ID` (a gate per run).
 */
export function workspaceGates(dataDir: string, pollMs = 50) {
  const opened = new Set<string>();
  const sweep = () => {
    const root = join(dataDir, 'workspaces');
    if (opened.size === 0 || !existsSync(root)) return;
    for (const run of readdirSync(root)) {
      for (const name of opened) {
        const workspace = join(root, run);
        if (existsSync(join(workspace, `.gate-wanted-${name}`)) && !existsSync(join(workspace, `.gate-${name}`))) {
          try {
            writeFileSync(join(workspace, `.gate-${name}`), '');
          } catch {
            // Deleted meanwhile (retention).
          }
        }
      }
    }
  };
  const timer = setInterval(sweep, pollMs);
  timer.unref();
  return {
    /** Shell text that waits until the test opens gate `name`. */
    script: (name: string, sleep = '0.05') =>
      `touch "$CYCLONE_WORKSPACE/.gate-wanted-${name}"; while [ ! -e "$CYCLONE_WORKSPACE/.gate-${name}" ]; do sleep ${sleep}; done`,
    /** Shell text that goes on if gate `name` opens within `seconds`, else runs `otherwise` (exit 3). */
    within: (name: string, seconds: number, otherwise = 'exit 3') =>
      `touch "$CYCLONE_WORKSPACE/.gate-wanted-${name}"; i=0; while [ ! -e "$CYCLONE_WORKSPACE/.gate-${name}" ] && [ $i -lt ${seconds * 20} ]; do sleep 0.05; i=$((i+1)); done; [ -e "$CYCLONE_WORKSPACE/.gate-${name}" ] || ${otherwise}`,
    open: (...names: string[]) => {
      for (const name of names) opened.add(name);
      sweep();
    },
    /** Stages that start from now on find the gate closed again. */
    shut: (name: string) => {
      opened.delete(name);
    },
    close: () => clearInterval(timer),
  };
}
