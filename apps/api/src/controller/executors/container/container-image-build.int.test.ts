import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BUILDAH_IMAGE, ensureBuilderImage } from '../../../../../../scripts/testenv/builder-images.mjs';
import {
  type RunningRegistry,
  startDockerRegistry,
} from '../../../modules/integration-checks/testing/docker-registry.js';
import { applyYaml, createImageBuildStage, createRegistryIntegration } from '../../../testing/image-build-fixture.js';
import { stageOf } from '../../../testing/run-helpers.js';
import { seedTenant } from '../../../testing/seed.js';
import { runHelpers } from '../../../testing/stage-io.js';
import { startTestApi, type TestApi } from '../../../testing/test-api.js';

const POD_SECURITY = 'mutation($input: UpdateTenantInput!) { updateTenant(input: $input) { quota { podSecurity } } }';

/**
 * The built-in image-build template in a real container (a private Docker Engine):
 * buildah builds a Dockerfile with a RUN step on a base image it pulls from a loopback
 * registry and pushes the result there, both with the registry integration's
 * credentials; the engine then pulls the image back and runs it. Stage containers use
 * the machine's network here (`host`), the registry being on loopback.
 */
describe('image builds in containers', () => {
  const docker = new Docker({ socketPath: new URL(inject('dockerHost')).pathname });
  const credentials = { username: 'builder', password: 'push-Secret-42' };
  let api: TestApi;
  let dataDir: string;
  let admin: string;
  let registry: RunningRegistry;
  let host: string;

  const pushed = async (image: string) => {
    const stream = await docker.getImage(image).push({ authconfig: { ...credentials, serveraddress: host } });
    await new Promise((resolve, reject) =>
      docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve(undefined))),
    );
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-image-build-'));
    api = await startTestApi({
      CYCLONE_DATA_DIR: dataDir,
      CYCLONE_EXECUTOR: 'container',
      DOCKER_HOST: inject('dockerHost'),
      CYCLONE_CONTAINER_NETWORK: 'host',
    });
    admin = await api.loginAsAdmin();
    // After the API's engine probe: Podman answers slowly while it loads a large image.
    ensureBuilderImage(inject('dockerHost'), BUILDAH_IMAGE);
    registry = await startDockerRegistry({ htpasswd: credentials }, inject('registryPorts').imageBuild);
    host = new URL(registry.url).host;
    // The base image is only in the registry: the build pulls it with the integration's credentials.
    await docker.getImage(inject('baseImage')).tag({ repo: `${host}/library/debian`, tag: 'bookworm' });
    await pushed(`${host}/library/debian:bookworm`);
    // The first run on a machine builds the buildah image (apt: a few minutes); later ones load it from the cache.
  }, 900_000);

  afterAll(async () => {
    await registry?.stop();
    await api?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** A tenant with a project `web` whose workflow `image` writes a Dockerfile, then builds and pushes `imageName`. */
  async function tenantWithBuild(tenant: string, podSecurity: 'BASELINE' | 'RESTRICTED', imageName: string) {
    await seedTenant(api, admin, tenant, { projects: ['web'] });
    const h = runHelpers(api, () => admin, { tenant, project: 'web' });
    await h.must(POD_SECURITY, { input: { name: tenant, quota: { podSecurity } } });
    await createRegistryIntegration(h, tenant, { url: registry.url, ...credentials });
    await createImageBuildStage(
      h,
      { tenant, project: 'web' },
      { name: 'image', imageName, builderImage: BUILDAH_IMAGE },
    );
    const dockerfile = [
      `FROM ${host}/library/debian:bookworm`,
      'RUN echo "built by buildah as $(id -un)" > /built.txt',
      'CMD ["cat", "/built.txt"]',
    ].join('\n');
    await applyYaml(
      h,
      { tenant, project: 'web' },
      `apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata: {name: source}
spec:
  pod:
    spec:
      containers:
      - image: ${inject('baseImage')}
        command: [sh, -c, 'echo ${Buffer.from(`${dockerfile}\n`).toString('base64')} | base64 -d > Dockerfile']
---
apiVersion: cyclone.dev/v1alpha1
kind: Workflow
metadata: {name: image}
spec:
  stages:
  - name: source
  - name: image
    depends: [source]
`,
    );
    return h;
  }

  it('builds a Dockerfile with a RUN step and pushes it with the registry credentials; the image pulled back runs', async () => {
    const image = `${host}/acme/built:v1`;
    const h = await tenantWithBuild('acme', 'BASELINE', image);
    const run = await h.waitEnd(await h.start('image'), 300_000);
    const lines = await h.logs(run.id, 'image');
    expect(run.phase, JSON.stringify({ run, log: lines.slice(-40) })).toBe('SUCCEEDED');
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^STEP 2\/3: RUN echo/)]));
    expect(lines.some((line) => /^Writing manifest to image destination/.test(line))).toBe(true);
    expect(lines.join('\n')).not.toContain(credentials.password);

    // The engine has never seen it: it pulls it from the registry, with credentials.
    const pulling = await docker.pull(image, { authconfig: { ...credentials, serveraddress: host } });
    await new Promise((resolve, reject) =>
      docker.modem.followProgress(pulling, (error: Error | null) => (error ? reject(error) : resolve(undefined))),
    );
    const container = await docker.createContainer({ Image: image, HostConfig: { NetworkMode: 'none' } });
    try {
      await container.start();
      await container.wait();
      const output = (await container.logs({ stdout: true, stderr: true })).toString('utf8');
      expect(output).toContain('built by buildah as root');
    } finally {
      await container.remove({ force: true });
      await docker.getImage(image).remove();
    }
  });

  it('refuses the build in a RESTRICTED tenant, saying why, and runs no container for it', async () => {
    const h = await tenantWithBuild('locked', 'RESTRICTED', `${host}/locked/built:v1`);
    const run = await h.waitEnd(await h.start('image'), 120_000);
    expect(run.phase).toBe('FAILED');
    expect(stageOf(run, 'source').phase).toBe('SUCCEEDED');
    expect(stageOf(run, 'image').message).toMatch(
      /^stage "image" builds images \(seccomp profile cyclone\/image-build\.json\), which the tenant's RESTRICTED pod security refuses: .* set the tenant to BASELINE$/,
    );
    const containers = await docker.listContainers({ all: true, filters: { name: [`cyclone-${run.id}-image-`] } });
    expect(containers).toEqual([]);
  });
});
