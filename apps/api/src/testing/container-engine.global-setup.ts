// vitest globalSetup of the container tests: a private Docker Engine (dockerd from
// Debian's docker.io, its own socket and data under a temporary folder, no bridge,
// no iptables) with the locally built Debian base image, for the whole run; or, in
// project api-podman, Podman's Docker-compatible service set up the same way
// (podman-engine.global-setup.ts).
// CYCLONE_TESTENV_DOCKER_HOST=<unix://…> uses an engine that already runs instead.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { BASE_IMAGE, startContainerEngine } from '../../../../scripts/testenv/container-engine.mjs';
import { freePort } from '../modules/integration-checks/testing/processes.js';

/** The test files that start a registry of their own. */
type RegistryUser = 'executor' | 'imageBuild';

declare module 'vitest' {
  export interface ProvidedContext {
    /** DOCKER_HOST of the test engine. */
    dockerHost: string;
    /** Which engine answers there. */
    engine: 'docker' | 'podman';
    /** A Debian image present on it. */
    baseImage: string;
    /**
     * Ports of the tests' plain-HTTP registries (Podman allows only the ones it was told),
     * one per test file that starts one, so files running side by side never share one.
     */
    registryPorts: Record<RegistryUser, number>;
  }
}

export default function setup(project: TestProject) {
  return setupEngine(project, 'docker');
}

export async function setupEngine(project: TestProject, kind: 'docker' | 'podman') {
  project.provide('baseImage', BASE_IMAGE);
  project.provide('engine', kind);
  const executor = await freePort();
  let imageBuild = await freePort();
  while (imageBuild === executor) imageBuild = await freePort();
  const registryPorts: Record<RegistryUser, number> = { executor, imageBuild };
  project.provide('registryPorts', registryPorts);
  const external = process.env.CYCLONE_TESTENV_DOCKER_HOST;
  if (external) {
    project.provide('dockerHost', external);
    return undefined;
  }
  const stateDir = mkdtempSync(join(tmpdir(), `cyclone-${kind}-`));
  const engine = await startContainerEngine({
    stateDir,
    kind,
    insecureRegistries: Object.values(registryPorts).map((port) => `127.0.0.1:${port}`),
  });
  project.provide('dockerHost', engine.dockerHost);
  return async () => {
    await engine.stop();
    rmSync(stateDir, { recursive: true, force: true });
  };
}
