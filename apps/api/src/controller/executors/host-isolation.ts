import type { SystemUser } from '../../system/system-user.js';

/**
 * How the host executor keeps a stage from the API and from other runs:
 * - `bubblewrap`: a sandbox (own PID, IPC, UTS and user namespaces, a fresh /proc,
 *   the system read-only, the run workspace the only writable place);
 * - `user`: no sandbox, but (the API being root) a dedicated unprivileged user;
 * - `none`: a plain process of the API's own user.
 */
export type HostIsolationKind = 'bubblewrap' | 'user' | 'none';

/** The user stages run as when the API runs as root. */
export const STAGE_USER = 'cyclone-stage';

export interface HostIsolationInput {
  /** A working `bwrap` (installed, and a probe sandbox started). */
  hasBubblewrap: boolean;
  isRoot: boolean;
  /** HOST, the address the API listens on. */
  host: string;
  /** CYCLONE_EXECUTOR: `host` asks for the host executor explicitly. */
  executor: string;
}

export interface HostIsolationDecision {
  isolation: HostIsolationKind;
  /** Set when stages may not run: each attempt fails with this message. */
  refusal?: string;
  /** What a boot log line (warn) says about weak isolation. */
  warning?: string;
}

/**
 * Loopback listen addresses: the API is then reachable only from this machine,
 * i.e. it serves the single user of a laptop.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/**
 * The isolation rule. With bubblewrap every stage is sandboxed. Without it, stages
 * run as their own user when the API is root, as the API's user otherwise; either
 * way only while the API listens on loopback (one user, one machine), or when
 * CYCLONE_EXECUTOR=host asks for exactly that. Otherwise stages are refused.
 */
export function decideHostIsolation(input: HostIsolationInput): HostIsolationDecision {
  if (input.hasBubblewrap) return { isolation: 'bubblewrap' };
  const isolation: HostIsolationKind = input.isRoot ? 'user' : 'none';
  const how = input.isRoot
    ? `without a sandbox, as the user ${STAGE_USER}: they can see the machine's files, other runs' workspaces and each other's processes`
    : "without any isolation, as the API's own user: they can read its environment and data folder (database password, encryption key)";
  if (isLoopbackHost(input.host)) {
    return {
      isolation,
      warning: `bubblewrap (bwrap) is not available: stages run ${how}; acceptable only on a single-user machine (the API listens on ${input.host}); install bubblewrap to sandbox them`,
    };
  }
  if (input.executor === 'host') {
    return {
      isolation,
      warning: `bubblewrap (bwrap) is not available and CYCLONE_EXECUTOR=host: stages run ${how}, while the API listens on ${input.host}`,
    };
  }
  return {
    isolation,
    refusal: `stages are refused: bubblewrap (bwrap) is not available to sandbox them and the API listens on ${input.host}, not on loopback; install bubblewrap (apt-get install bubblewrap), or set CYCLONE_EXECUTOR=host to run them ${input.isRoot ? `as the user ${STAGE_USER} without a sandbox` : "unisolated, as the API's own user"}`,
  };
}

/** What the host executor was given at boot: the decision and what it needs to carry it out. */
export interface HostIsolation extends HostIsolationDecision {
  /** Path of a working bwrap (isolation `bubblewrap`). */
  bubblewrap?: string;
  /** The user stages run as (the API runs as root). */
  stageUser?: SystemUser;
  /** Why bubblewrap is not used, when it is installed but did not start a sandbox. */
  bubblewrapProblem?: string;
}

/** For /healthz and the web: how stages run on this host. */
export function describeIsolation(isolation: HostIsolation) {
  return {
    kind: 'host' as const,
    isolation: isolation.isolation,
    ...(isolation.stageUser ? { user: isolation.stageUser.name } : {}),
    ...(isolation.refusal ? { refusal: isolation.refusal } : {}),
    ...(isolation.warning ? { warning: isolation.warning } : {}),
  };
}
