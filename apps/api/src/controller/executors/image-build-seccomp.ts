import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import profile from './image-build-seccomp.json' with { type: 'json' };

/**
 * The seccomp profile of image-build stages (domain image-builds.ts), written by
 * scripts/image-build-seccomp.mjs from the containers tools' default profile: Docker's
 * and containerd's defaults but for user and mount namespaces, which buildah makes for
 * each build step. Kubernetes nodes keep the same file as the Localhost profile
 * `cyclone/image-build.json` (k8s/README.md); the container executor sends it inline.
 */
export const IMAGE_BUILD_SECCOMP = profile;

/**
 * What an image-build container gets on top of the other stages' hardening: that
 * profile instead of the engine's default, and CAP_SETFCAP back (the kernel asks for it,
 * since Linux 5.12, to map root into the build's user namespace). Still not privileged,
 * still no new privileges.
 */
export const imageBuildSecurityOpt = () => `seccomp=${JSON.stringify(IMAGE_BUILD_SECCOMP)}`;

/**
 * The same for Podman, whose Docker-compatible API reads `seccomp=` as a file path of the
 * engine's machine (which is the API's: stage workspaces are bind mounts of its folders):
 * the profile written under the data folder.
 */
export function imageBuildSecurityOptFile(dataDir: string): string {
  const dir = join(dataDir, 'seccomp');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'image-build.json');
  writeFileSync(path, JSON.stringify(IMAGE_BUILD_SECCOMP));
  return `seccomp=${path}`;
}
