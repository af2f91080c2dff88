// vitest globalSetup of project api-podman: the container tests on Podman's
// Docker-compatible service instead of dockerd.
import type { TestProject } from 'vitest/node';
import { setupEngine } from './container-engine.global-setup.js';

export default function setup(project: TestProject) {
  return setupEngine(project, 'podman');
}
