// Type declarations for real-node.mjs.
import type { ControlPlane } from './control-plane.mjs';

export const REAL_NODE_LABELS: Readonly<Record<string, string>>;

export interface RealNode {
  nodeName: string;
  /** The node's address inside the test network namespace; pods reach the tests' servers there. */
  nodeIp: string;
  stateDir: string;
  stop(): Promise<void>;
}

export function startRealNode(opts: {
  stateDir: string;
  controlPlane: ControlPlane;
  binDir: string;
  imagesArchive: string;
  watchPid?: number;
}): Promise<RealNode>;
export function stopRealNode(opts: { stateDir: string }): Promise<void>;
/** Imports a `docker save` archive into the node's containerd (its kubelet then pulls nothing). */
export function importImages(stateDir: string, archive: string): void;
