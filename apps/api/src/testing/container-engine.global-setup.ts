// vitest globalSetup of the container tests: a private Docker Engine (dockerd from
// Debian's docker.io, its own socket and data under a temporary folder, no bridge,
// no iptables) with the locally built Debian base image, for the whole run.
// CYCLONE_TESTENV_DOCKER_HOST=<unix://…> uses an engine that already runs instead.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { BASE_IMAGE, startContainerEngine } from '../../../../scripts/testenv/container-engine.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** DOCKER_HOST of the test engine. */
    dockerHost: string;
    /** A Debian image present on it. */
    baseImage: string;
  }
}

export default async function setup(project: TestProject) {
  project.provide('baseImage', BASE_IMAGE);
  const external = process.env.CYCLONE_TESTENV_DOCKER_HOST;
  if (external) {
    project.provide('dockerHost', external);
    return undefined;
  }
  const stateDir = mkdtempSync(join(tmpdir(), 'cyclone-docker-'));
  const engine = await startContainerEngine({ stateDir });
  project.provide('dockerHost', engine.dockerHost);
  return async () => {
    await engine.stop();
    rmSync(stateDir, { recursive: true, force: true });
  };
}
