/**
 * Image builds in stages without a Docker daemon (docs/engine.md, "Image builds"):
 * buildah, as root in the stage's container, makes a user namespace for each build
 * step. The runtimes' default seccomp profiles refuse that (`unshare(CLONE_NEWUSER)`
 * needs CAP_SYS_ADMIN there), so a stage opts in by naming this Localhost profile on
 * its workload container (`spec.pod.spec.containers[0].securityContext.seccompProfile`,
 * as the built-in image-build template does): Kubernetes nodes load it from the
 * kubelet's seccomp folder (an installation choice, k8s/README.md), the container
 * executor passes the same profile to its engine.
 */
export const IMAGE_BUILD_SECCOMP_PROFILE = 'cyclone/image-build.json';

/** The workload container's settings that make a stage an image build. */
export const IMAGE_BUILD_SECURITY_CONTEXT = {
  seccompProfile: { type: 'Localhost', localhostProfile: IMAGE_BUILD_SECCOMP_PROFILE },
} as const;

/** Whether the stage's workload container (the podSpecExtras entry without an image) asks for that profile. */
export function buildsImages(podSpecExtras: Record<string, unknown> | undefined): boolean {
  const containers = podSpecExtras?.containers;
  if (!Array.isArray(containers)) return false;
  const workload = containers.find((c) => typeof c === 'object' && c !== null && !('image' in c)) as
    | { securityContext?: { seccompProfile?: { type?: unknown; localhostProfile?: unknown } } }
    | undefined;
  const profile = workload?.securityContext?.seccompProfile;
  return profile?.type === 'Localhost' && profile.localhostProfile === IMAGE_BUILD_SECCOMP_PROFILE;
}

/**
 * Why a tenant at this Pod Security level cannot run an image build, or undefined when it
 * can. RESTRICTED runs every container as a non-root user with no capabilities and no
 * privilege escalation: buildah's user namespace then maps that one user only (newuidmap
 * is setuid), base images owned by other users cannot be unpacked, and RUN steps fail
 * (`error setting supplemental groups list: operation not permitted`).
 */
export function imageBuildRefusal(stage: string, podSecurity: 'RESTRICTED' | 'BASELINE'): string | undefined {
  if (podSecurity !== 'RESTRICTED') return undefined;
  return (
    `stage "${stage}" builds images (seccomp profile ${IMAGE_BUILD_SECCOMP_PROFILE}), which the tenant's ` +
    'RESTRICTED pod security refuses: its containers run as a non-root user without capabilities, where ' +
    'buildah cannot make the user namespace of a build; a platform admin can set the tenant to BASELINE'
  );
}
