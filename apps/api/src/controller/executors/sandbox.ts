import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Logger } from '../../logging/logger.js';
import { findBlockingFolder } from '../../system/folder-access.js';
import { ensureSystemUser, type SystemUser } from '../../system/system-user.js';
import { decideHostIsolation, type HostIsolation, STAGE_USER } from './host-isolation.js';
import { STAGE_WORKSPACE } from './stage-paths.js';

/** Where a pulled input is shown, read-only, to the sandboxed step that copies it into the workspace. */
export const SANDBOX_INPUT = '/.cyclone-input';

/** What the sandbox shows of the machine besides the workspace: read-only. */
const SYSTEM_READ_ONLY = ['/usr', '/etc', '/opt'];
/** Usually links into /usr (merged /usr); bound read-only when they are real folders. */
const SYSTEM_LINKS = ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

export interface SandboxLayout {
  /** The run workspace on the host: bound read-write at /workspace, the only writable place besides /tmp. */
  workspace: string;
  /** Top-level folders stage paths name outside /workspace (`go` for /go/src): links into the workspace. */
  links: readonly string[];
  /** Cyclone's data folder: hidden if a read-only system folder holds it. */
  dataDir: string;
  /** A host folder shown read-only at SANDBOX_INPUT. */
  input?: string;
}

/**
 * bwrap options for a stage: its own user, PID, IPC, UTS and cgroup namespaces (the
 * host network is kept: stages fetch dependencies; no further user namespaces
 * inside), killed with its parent, a new
 * session (no terminal to push input into), a fresh /proc that shows only its own
 * processes, a minimal /dev, private /tmp, the system read-only, the workspace at
 * /workspace; nothing else of the host: not the data folder (key file, Postgres
 * data, other runs' workspaces), not /run (sockets), not home folders.
 */
export function sandboxArgs(layout: SandboxLayout): string[] {
  // No user namespaces inside: the kernel's most exposed surface stays out of reach.
  const args = [
    '--unshare-all',
    '--unshare-user',
    '--disable-userns',
    '--share-net',
    '--die-with-parent',
    '--new-session',
  ];
  for (const folder of SYSTEM_READ_ONLY) if (existsSync(folder)) args.push('--ro-bind', folder, folder);
  for (const folder of SYSTEM_LINKS) {
    const found = lstatOrUndefined(folder);
    if (found?.isSymbolicLink()) args.push('--symlink', readlinkSync(folder), folder);
    else if (found?.isDirectory()) args.push('--ro-bind', folder, folder);
  }
  args.push(...resolverArgs());
  if (SYSTEM_READ_ONLY.some((folder) => isInside(layout.dataDir, folder))) args.push('--tmpfs', layout.dataDir);
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp', '--tmpfs', '/var/tmp');
  args.push('--bind', layout.workspace, STAGE_WORKSPACE);
  for (const link of layout.links) args.push('--symlink', `${STAGE_WORKSPACE}/${link}`, `/${link}`);
  if (layout.input) args.push('--ro-bind', layout.input, SANDBOX_INPUT);
  args.push('--remount-ro', '/', '--chdir', STAGE_WORKSPACE);
  return args;
}

/** /etc/resolv.conf is often a link into /run (systemd-resolved): that one folder is shown too. */
function resolverArgs(): string[] {
  const found = lstatOrUndefined('/etc/resolv.conf');
  if (!found?.isSymbolicLink()) return [];
  const target = readlinkSync('/etc/resolv.conf');
  const absolute = target.startsWith('/') ? target : join('/etc', target);
  return absolute.startsWith('/run/') ? ['--ro-bind-try', dirname(absolute), dirname(absolute)] : [];
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function isInside(path: string, folder: string): boolean {
  return path === folder || path.startsWith(`${folder}/`);
}

/** The bwrap program on the usual paths, if installed. */
export function findBubblewrap(): string | undefined {
  return ['/usr/bin/bwrap', '/usr/local/bin/bwrap', '/bin/bwrap'].find((path) => existsSync(path));
}

/** Starts one throwaway sandbox as the stage would run; undefined when it works, else why not. */
export function probeBubblewrap(bwrap: string, dataDir: string, user?: SystemUser): string | undefined {
  const workspace = mkdtempSync(join(tmpdir(), 'cyclone-probe-'));
  try {
    chmodSync(workspace, 0o755);
    const args = sandboxArgs({ workspace, links: [], dataDir }).concat(['--', '/bin/sh', '-c', 'exit 0']);
    const result = spawnSync(bwrap, args, {
      encoding: 'utf8',
      timeout: 10_000,
      cwd: '/',
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
    });
    if (result.status === 0) return undefined;
    return (result.stderr || result.error?.message || `exit code ${result.status}`).trim();
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

/**
 * Decides at boot how this machine isolates stages (see decideHostIsolation), and
 * prepares it: as root, the stage user (created when missing) and data folder
 * modes that let it reach run workspaces but not the rest (artifacts 0700,
 * workspaces 0711: enterable, not listable).
 */
export async function detectHostIsolation(options: {
  host: string;
  executor: string;
  dataDir: string;
  logger: Logger;
}): Promise<HostIsolation> {
  const isRoot = process.getuid?.() === 0;
  const stageUser = isRoot ? ensureSystemUser(STAGE_USER) : undefined;
  const bwrap = findBubblewrap();
  const bubblewrapProblem = bwrap
    ? probeBubblewrap(bwrap, options.dataDir, stageUser)
    : 'bubblewrap (bwrap) is not installed';
  const decision = decideHostIsolation({
    hasBubblewrap: bubblewrapProblem === undefined,
    isRoot,
    host: options.host,
    executor: options.executor,
  });
  const isolation: HostIsolation = {
    ...decision,
    ...(bubblewrapProblem === undefined ? { bubblewrap: bwrap } : { bubblewrapProblem }),
    ...(stageUser ? { stageUser } : {}),
  };
  if (stageUser && !isolation.refusal) {
    await mkdir(join(options.dataDir, 'workspaces'), { recursive: true });
    await mkdir(join(options.dataDir, 'artifacts'), { recursive: true });
    await chmod(options.dataDir, 0o755);
    await chmod(join(options.dataDir, 'workspaces'), 0o711);
    await chmod(join(options.dataDir, 'artifacts'), 0o700);
    const blocked = findBlockingFolder(join(options.dataDir, 'workspaces'), stageUser);
    if (blocked) {
      isolation.refusal = `stages are refused: their user ${stageUser.name} cannot enter ${blocked.folder} (mode ${blocked.mode}) on the way to CYCLONE_DATA_DIR ${options.dataDir}: set CYCLONE_DATA_DIR to a folder outside it (e.g. /var/lib/cyclone)`;
    }
  }
  const fields = { isolation: isolation.isolation, user: stageUser?.name, bubblewrap: bubblewrapProblem ?? 'ok' };
  if (isolation.refusal) options.logger.error(fields, isolation.refusal);
  else if (isolation.warning) options.logger.warn(fields, isolation.warning);
  else options.logger.info(fields, 'stages run in a bubblewrap sandbox');
  return isolation;
}
