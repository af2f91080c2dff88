// What a container runtime (dockerd, containerd and their shims) leaves mounted under its
// state directory after a hard kill: container-engine.mjs and real-node.mjs unmount it on stop.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Unmounts every mount point under dir, innermost first (lazily: a busy one goes when released). */
export function unmountUnder(dir) {
  const points = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1])
    .filter((point) => point?.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of points) {
    try {
      execFileSync('umount', ['-l', point], { stdio: 'ignore' });
    } catch {
      // Already gone.
    }
  }
}
