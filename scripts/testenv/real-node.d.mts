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
  watchPid?: number;
}): Promise<RealNode>;
export function stopRealNode(opts: { stateDir: string }): Promise<void>;
/** The images the node pulled (from its registry) and how long each pull took. */
export function imagePulls(stateDir: string): { image: string; ms: number }[];
