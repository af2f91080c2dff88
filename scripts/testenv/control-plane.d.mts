// Type declarations for control-plane.mjs (used by packages/k8s test setup).

export interface StartControlPlaneOptions {
  /** Directory for certificates, etcd data, logs, kubeconfig and pids.json. */
  stateDir: string;
  /** Directory holding the five binaries; default: build.sh's cache (or CYCLONE_TESTENV_BIN). */
  binDir?: string;
  /** Process whose death stops the control plane; default: this process; 0 disables. */
  watchPid?: number;
  /** When the watchdog cleans up after watchPid died, also delete stateDir. */
  removeStateDirOnAbandon?: boolean;
  /** Start kwok and its fake nodes (default true). */
  fakeNodes?: boolean;
  /** Log every write (metadata, user agent) to logs/audit.log: see auditLogPathOf (default false). */
  auditLog?: boolean;
}

export interface ControlPlane {
  /** Admin kubeconfig (O=system:masters), certificates embedded. */
  kubeconfigPath: string;
  stateDir: string;
  /** https://127.0.0.1:<port> */
  server: string;
  /** Directory of the CA and the issued certificates. */
  pki: string;
  /** Kills every component; safe to call more than once. */
  stop(): Promise<void>;
}

export const FAKE_NODE_NAMES: readonly string[];
export const FAKE_NODE_LABELS: Readonly<Record<string, string>>;
export const FAKE_NODE_TOLERATION: Readonly<{ key: string; operator: 'Exists'; effect: 'NoSchedule' }>;

export function startControlPlane(opts: StartControlPlaneOptions): Promise<ControlPlane>;
export function auditLogPathOf(stateDir: string): string;
export function stopControlPlane(opts: { stateDir: string; runId?: string }): Promise<void>;
export function writeNodeKubeconfig(opts: {
  stateDir: string;
  pki: string;
  server: string;
  nodeName: string;
}): Promise<string>;
