import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REAL_NODE_LABELS } from '../../../../../../scripts/testenv/real-node.mjs';
import {
  BUILDAH_IMAGE,
  GO_IMAGE,
  REGISTRY_STAGE_HELPER_IMAGE,
} from '../../../../../../scripts/testenv/test-images.mjs';
import {
  pullImage,
  type RunningRegistry,
  startDockerRegistry,
} from '../../../modules/integration-checks/testing/docker-registry.js';
import { startGitHttpServer } from '../../../modules/scm/testing/git-http-server.js';
import {
  applyYaml,
  createGolangExampleRepository,
  createImageBuildStage,
  createRegistryIntegration,
  golangExampleYaml,
} from '../../../testing/image-build-fixture.js';
import { stageOf } from '../../../testing/stage-io.js';
import { type ExecutorKit, startExecutorKit } from './kube-executor.fixture.js';
import { workspaceClaimName } from './names.js';

const POD_SECURITY = 'mutation($input: UpdateTenantInput!) { updateTenant(input: $input) { quota { podSecurity } } }';

/**
 * The upstream golang example on the real node: a Git clone from the loopback Git
 * server, `go build` and `go test` in a locally built Go image, then the built-in
 * image-build template (buildah, no daemon, under the image-build seccomp profile)
 * builds the image and pushes it to a registry in the test network namespace with the
 * registry integration's credentials. The test pulls it back and runs its binary.
 */
describe('image builds on a real node', () => {
  const nodeIp = inject('nodeIp');
  const credentials = { username: 'builder', password: 'push-Secret-42' };
  let kit: ExecutorKit;
  let controller: Awaited<ReturnType<ExecutorKit['startController']>>;
  let registry: RunningRegistry;
  let git: Awaited<ReturnType<typeof startGitHttpServer>>;
  let repo: ReturnType<typeof createGolangExampleRepository>;
  const work = mkdtempSync(join(tmpdir(), 'cyclone-image-build-'));

  beforeAll(async () => {
    kit = await startExecutorKit({
      apiEnv: { HOST: nodeIp, CYCLONE_OUTBOUND_ALLOW: `127.0.0.1/32,${nodeIp}/32` },
      podDefaults: { nodeSelector: { ...REAL_NODE_LABELS } },
      helperImage: REGISTRY_STAGE_HELPER_IMAGE,
    });
    await kit.h.must(POD_SECURITY, { input: { name: kit.tenant, quota: { podSecurity: 'BASELINE' } } });
    controller = await kit.startController({ podGcDelayMs: 500 });
    registry = await startDockerRegistry({ htpasswd: credentials }, undefined, nodeIp);
    repo = createGolangExampleRepository();
    git = await startGitHttpServer(repo.root, nodeIp);
  });

  afterAll(async () => {
    await controller?.stop();
    await kit?.stop();
    await git?.stop();
    await registry?.stop();
    if (repo) rmSync(repo.root, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  /** A folder of this machine as the run's workspace volume (the test cluster has no provisioner). */
  async function provideVolume(run: string) {
    const path = join(work, run);
    mkdirSync(path);
    chmodSync(path, 0o777); // the stage helper runs as user 1000, the workloads as root
    await kit.clients.core.createPersistentVolume({
      body: {
        metadata: { name: `${kit.namespace}-${run}` },
        spec: {
          capacity: { storage: '1Gi' },
          accessModes: ['ReadWriteOnce'],
          hostPath: { path },
          storageClassName: '',
          claimRef: { namespace: kit.namespace, name: workspaceClaimName(run) },
        },
      },
    });
  }

  it('clones, builds, tests and pushes the golang example; the image pulled back runs', async () => {
    const scope = { tenant: kit.tenant, project: 'web' };
    const host = new URL(registry.url).host;
    await createRegistryIntegration(kit.h, kit.tenant, { url: registry.url, ...credentials });
    await createImageBuildStage(kit.h, scope, {
      name: 'golang-image-build',
      imageName: `${host}/examples/golang-example:v0.0.1`,
      workingDir: '/workspace/go/src/examples/golang',
      builderImage: BUILDAH_IMAGE,
    });
    await applyYaml(
      kit.h,
      scope,
      golangExampleYaml({ gitUrl: `${git.url}/code-zoo.git`, goImage: GO_IMAGE, imageStage: 'golang-image-build' }),
    );
    await provideVolume('ci-golang-1');
    const run = await kit.h.waitEnd(await kit.h.start('ci-golang'), 600_000);
    expect(run.phase, JSON.stringify(run)).toBe('SUCCEEDED');

    const build = await kit.h.logs(run.id, 'golang-build');
    expect(build[0]).toBe(`[cyclone] pulling Git resource "golang-example-codes" from ${git.url}/code-zoo.git`);
    expect(build).toContain('Hello, Cyclone!');
    expect(await kit.h.logs(run.id, 'golang-test')).toEqual(
      expect.arrayContaining(['=== RUN   TestGreeting', '--- PASS: TestGreeting (0.00s)', 'PASS']),
    );
    const image = await kit.h.logs(run.id, 'golang-image-build');
    // The Dockerfile's RUN step ran the binary inside the build.
    expect(image).toContain('check: Hello, image!');
    expect(image.some((line) => /^Writing manifest to image destination/.test(line))).toBe(true);
    expect(image.join('\n')).not.toContain(credentials.password);

    const pulled = await pullImage(registry, 'examples/golang-example', 'v0.0.1');
    expect(pulled.config.config?.Entrypoint).toEqual(['/app']);
    // The RUN step is in the image's history, as buildah records an exec-form RUN.
    expect(pulled.config.history?.map((h) => h.created_by ?? '')).toContain('/bin/sh -c ["/app", "--check"]');
    const rootfs = join(work, 'rootfs');
    mkdirSync(rootfs);
    pulled.layers.forEach((layer, index) => {
      const file = join(work, `layer-${index}`);
      writeFileSync(file, layer);
      execFileSync('tar', ['-xf', file, '-C', rootfs]);
    });
    expect(execFileSync(join(rootfs, 'app'), { encoding: 'utf8' })).toBe('Hello, Cyclone!\n');
  }, 600_000);

  it('refuses an image build in a RESTRICTED tenant, saying why, before any pod', async () => {
    await kit.h.must(POD_SECURITY, { input: { name: kit.tenant, quota: { podSecurity: 'RESTRICTED' } } });
    await applyYaml(
      kit.h,
      { tenant: kit.tenant, project: 'web' },
      'apiVersion: cyclone.dev/v1alpha1\nkind: Workflow\nmetadata: {name: image-only}\nspec:\n  stages: [{name: golang-image-build}]\n',
    );
    const run = await kit.h.waitEnd(await kit.h.start('image-only'), 60_000);
    expect(run.phase).toBe('FAILED');
    expect(stageOf(run, 'golang-image-build').message).toBe(
      'stage "golang-image-build" builds images (seccomp profile cyclone/image-build.json), which the ' +
        "tenant's RESTRICTED pod security refuses: its containers run as a non-root user without capabilities, " +
        'where buildah cannot make the user namespace of a build; a platform admin can set the tenant to BASELINE',
    );
    const pods = await kit.clients.core.listNamespacedPod({ namespace: kit.namespace });
    expect(pods.items.filter((pod) => pod.metadata?.name?.startsWith('image-only-'))).toEqual([]);
  });
});
