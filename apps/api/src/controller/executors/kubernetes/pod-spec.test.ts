import { acceleratedFolders, accelerationHome } from '@cyclone/domain';
import { describe, expect, it } from 'vitest';
import {
  ARTIFACT_UPLOAD_SECONDS,
  buildStagePod,
  kubernetesProgram,
  type StagePodInput,
  stageSecretData,
  WORKLOAD_CONTAINER,
  WORKLOAD_WRAPPER,
} from './pod-spec.js';

const base: StagePodInput = {
  namespace: 'cyclone-acme',
  podName: 'build-3-test-1',
  names: { tenant: 'acme', project: 'web', workflow: 'build', run: 'build-3', instance: 'cyclone' },
  runUid: 'uid-1',
  stage: 'test',
  attempt: 1,
  runId: 'run-1',
  image: 'node:20',
  command: ['npm'],
  args: ['test'],
  env: [{ name: 'CI', value: 'true' }],
  workingDir: 'src',
  firstSeq: 41,
  helperImage: 'cyclone/stage-helper:1',
  apiUrl: 'http://cyclone-api',
  secretName: 'build-3-test-1',
  serviceAccountName: 'cyclone-stage',
};

describe('buildStagePod', () => {
  it("gives the workload a YAML stage's own container settings, and runs its other containers beside it", () => {
    const pod = buildStagePod({
      ...base,
      podSecurity: 'BASELINE',
      podSpecExtras: {
        containers: [
          {
            name: 'main',
            args: ['ignored'],
            imagePullPolicy: 'Never',
            resources: { limits: { memory: '48Mi' } },
            volumeMounts: [{ name: 'cache', mountPath: '/cache' }],
          },
          { name: 'db', image: 'postgres:17' },
        ],
        volumes: [{ name: 'cache', emptyDir: {} }],
      },
    });
    const [workload, ...others] = pod.spec?.containers ?? [];
    expect(workload).toMatchObject({
      name: 'main',
      image: 'node:20',
      imagePullPolicy: 'Never',
      resources: { limits: { memory: '48Mi' } },
    });
    expect(workload?.args).toBeUndefined();
    expect(workload?.command?.slice(-2)).toEqual(['npm', 'test']);
    expect(workload?.volumeMounts?.map((m) => m.name)).toEqual(['workspace', 'cyclone', 'cache']);
    expect(others).toEqual([{ name: 'db', image: 'postgres:17' }]);
  });

  it('labels, owns and names the pod as ARCHITECTURE.md §5 says', () => {
    const pod = buildStagePod(base);
    expect(pod.metadata?.name).toBe('build-3-test-1');
    expect(pod.metadata?.labels).toEqual({
      'app.kubernetes.io/managed-by': 'cyclone',
      'cyclone.dev/instance': 'cyclone',
      'cyclone.dev/tenant': 'acme',
      'cyclone.dev/project': 'web',
      'cyclone.dev/workflow': 'build',
      'cyclone.dev/run': 'build-3',
      'cyclone.dev/stage': 'test',
      'cyclone.dev/attempt': '1',
    });
    expect(pod.metadata?.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'WorkflowRun', name: 'build-3', uid: 'uid-1', controller: true }),
    ]);
    expect(pod.spec?.restartPolicy).toBe('Never');
    expect(pod.spec?.serviceAccountName).toBe('cyclone-stage');
  });

  it('wraps the workload command, sets its env and working dir, and starts the helper as a native sidecar', () => {
    const pod = buildStagePod(base);
    const main = pod.spec?.containers[0];
    expect(main?.image).toBe('node:20');
    expect(main?.command).toEqual(['/bin/sh', '-c', WORKLOAD_WRAPPER, 'cyclone-stage', 'npm', 'test']);
    expect(main?.workingDir).toBe('/workspace/src');
    expect(main?.env).toContainEqual({ name: 'CI', value: 'true' });
    expect(main?.env).toContainEqual({ name: 'CYCLONE_RESULTS', value: '/cyclone/results' });
    const [helper, ...others] = pod.spec?.initContainers ?? [];
    expect(others).toEqual([]);
    expect(helper).toMatchObject({
      name: 'helper',
      image: 'cyclone/stage-helper:1',
      restartPolicy: 'Always',
      args: ['sidecar'],
    });
    expect(helper?.env).toContainEqual({ name: 'CYCLONE_FIRST_SEQ', value: '41' });
    // The token comes from the attempt's Secret: reading the pod does not give it away.
    const fromSecret = (key: string) => ({ valueFrom: { secretKeyRef: { name: 'build-3-test-1', key } } });
    expect(helper?.env).toContainEqual({ name: 'CYCLONE_STAGE_TOKEN', ...fromSecret('token') });
    expect(helper?.env).toContainEqual({ name: 'CYCLONE_MASK', ...fromSecret('mask') });
    // No Kubernetes API token in a stage pod.
    expect(pod.spec?.automountServiceAccountToken).toBe(false);
    expect(pod.spec?.volumes?.[0]).toEqual({ name: 'workspace', emptyDir: {} });
  });

  it('places inputs in an init container on the run claim, with credentials from the attempt Secret', () => {
    const resources = [
      {
        name: 'repo',
        type: 'Git' as const,
        url: 'https://git/x.git',
        revision: 'main',
        path: 'src',
        auth: { username: 'u', password: 'p' },
      },
    ];
    const secret = stageSecretData({
      token: 'cst1.x',
      env: [{ name: 'TOKEN', value: 'Bearer s3cret' }],
      secrets: ['s3cret'],
      resources,
    });
    expect(secret.data).toEqual({
      token: 'cst1.x',
      'env-TOKEN': 'Bearer s3cret',
      'input-0-username': 'u',
      'input-0-password': 'p',
      mask: '["s3cret"]',
    });
    const pod = buildStagePod({
      ...base,
      env: [{ name: 'TOKEN', value: 'Bearer s3cret' }],
      resources,
      workspaceClaim: 'build-3-workspace',
      secretEnv: secret.secretEnv,
    });
    const inputs = pod.spec?.initContainers?.[1];
    expect(inputs?.name).toBe('inputs');
    const spec = JSON.parse(inputs?.env?.find((e) => e.name === 'CYCLONE_INPUTS')?.value ?? '{}');
    expect(spec.resources).toEqual([
      { name: 'repo', type: 'Git', url: 'https://git/x.git', revision: 'main', path: '/workspace/src' },
    ]);
    expect(JSON.stringify(pod)).not.toContain('s3cret');
    expect(JSON.stringify(pod)).not.toContain('"p"');
    expect(pod.spec?.containers[0]?.env).toContainEqual({
      name: 'TOKEN',
      valueFrom: { secretKeyRef: { name: 'build-3-test-1', key: 'env-TOKEN' } },
    });
    expect(pod.spec?.volumes?.[0]).toEqual({
      name: 'workspace',
      persistentVolumeClaim: { claimName: 'build-3-workspace' },
    });
  });

  it('restores caches in the inputs container (keys evaluated there) and gives the helper time to save them', () => {
    const caches = [{ key: 'go-v1', paths: ['./.cache/go/'], restoreKeys: ['go-'] }];
    const pod = buildStagePod({ ...base, caches });
    const inputs = pod.spec?.initContainers?.find((c) => c.name === 'inputs');
    const spec = JSON.parse(inputs?.env?.find((e) => e.name === 'CYCLONE_INPUTS')?.value ?? '{}');
    expect(spec.caches).toEqual([{ key: 'go-v1', paths: ['.cache/go'], restoreKeys: ['go-'] }]);
    expect(pod.spec?.terminationGracePeriodSeconds).toBe(ARTIFACT_UPLOAD_SECONDS);
    expect(buildStagePod(base).spec?.initContainers?.some((c) => c.name === 'inputs')).toBe(false);
  });

  it('downloads input artifacts in the inputs container and gives the helper the output artifacts to upload', () => {
    const pod = buildStagePod({
      ...base,
      artifacts: [{ name: 'app', path: 'got/app.bin', storageKey: 'run-1/build/app', isDirectory: false }],
      outputArtifacts: [{ name: 'report', path: '/workspace/out/report' }],
    });
    const [helper, inputs] = pod.spec?.initContainers ?? [];
    const env = (container: typeof helper, name: string) => container?.env?.find((e) => e.name === name)?.value;
    expect(JSON.parse(env(inputs, 'CYCLONE_INPUTS') as string).artifacts).toEqual([
      { name: 'app', path: '/workspace/got/app.bin', isDirectory: false },
    ]);
    // The inputs container fetches them from the API with the attempt's token; no storage key reaches the pod.
    expect(env(inputs, 'CYCLONE_API_URL')).toBe('http://cyclone-api');
    expect(inputs?.env?.find((e) => e.name === 'CYCLONE_STAGE_TOKEN')?.valueFrom?.secretKeyRef?.key).toBe('token');
    expect(JSON.stringify(pod)).not.toContain('run-1/build/app');
    expect(JSON.parse(env(helper, 'CYCLONE_OUTPUT_ARTIFACTS') as string)).toEqual([
      { name: 'report', path: '/workspace/out/report' },
    ]);
    // Time for the helper to upload after the workload ended; pods without artifacts keep the default.
    expect(pod.spec?.terminationGracePeriodSeconds).toBe(ARTIFACT_UPLOAD_SECONDS);
    expect(buildStagePod(base).spec?.terminationGracePeriodSeconds).toBeUndefined();
    expect(() => buildStagePod({ ...base, outputArtifacts: [{ name: 'x', path: '/etc/passwd' }] })).toThrow(
      'is a system folder',
    );
  });

  it('lets the stage extras override installation defaults and appends extra containers', () => {
    const pod = buildStagePod({
      ...base,
      podDefaults: { nodeSelector: { type: 'kwok' }, tolerations: [{ key: 'k', operator: 'Exists' }] },
      podSpecExtras: { nodeSelector: { disk: 'ssd' }, containers: [{ name: 'db', image: 'postgres' }] },
    });
    expect(pod.spec?.nodeSelector).toEqual({ disk: 'ssd' });
    expect(pod.spec?.tolerations).toEqual([{ key: 'k', operator: 'Exists' }]);
    expect(pod.spec?.containers.map((c) => c.name)).toEqual(['main', 'db']);
  });

  it('makes every container of a RESTRICTED tenant (the default) fit Pod Security "restricted"', () => {
    const pod = buildStagePod({
      ...base,
      podSpecExtras: {
        securityContext: { runAsUser: 1000 },
        containers: [
          { name: 'main', securityContext: { readOnlyRootFilesystem: true } },
          { name: 'db', image: 'pg' },
        ],
      },
    });
    expect(pod.spec?.securityContext).toEqual({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
      runAsUser: 1000,
    });
    const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
    expect(containers.map((c) => c.name)).toEqual(['helper', 'main', 'db']);
    for (const container of containers) {
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
    }
    expect(containers[1]?.securityContext?.readOnlyRootFilesystem).toBe(true);
    // BASELINE (granted by a platform admin) leaves images to run as their own user.
    const baseline = buildStagePod({ ...base, podSecurity: 'BASELINE' });
    expect(baseline.spec?.securityContext).toBeUndefined();
    expect(baseline.spec?.containers[0]?.securityContext).toBeUndefined();
  });

  it('refuses pod settings outside the allow-list, also when they were stored before the rule', () => {
    expect(() => buildStagePod({ ...base, podSpecExtras: { hostNetwork: true, nodeName: 'n1' } })).toThrow(
      /^the stage's pod settings are not allowed: hostNetwork is not allowed in a stage's pod .*; nodeName is not allowed/,
    );
  });

  it("sees a path outside /workspace (the original's /go/src/app) as the workspace's folder of that name", () => {
    const pod = buildStagePod({
      ...base,
      workingDir: '/go/src/examples',
      resources: [{ name: 'code', type: 'Git', url: 'http://git/app.git', revision: 'main', path: '/go/src/examples' }],
      outputArtifacts: [{ name: 'bin', path: '/go/bin/app' }],
    });
    const [helper, inputs] = pod.spec?.initContainers ?? [];
    const workload = pod.spec?.containers[0];
    // The workload runs where the stage said, in the workspace's go folder mounted at /go.
    expect(workload?.workingDir).toBe('/go/src/examples');
    expect(workload?.volumeMounts).toContainEqual({ name: 'workspace', mountPath: '/go', subPath: 'go' });
    // The helpers, which mount only the workspace, clone and collect there.
    const spec = JSON.parse(inputs?.env?.find((e) => e.name === 'CYCLONE_INPUTS')?.value ?? '{}');
    expect(spec.resources[0].path).toBe('/workspace/go/src/examples');
    expect(spec.workingDir).toBe('/workspace/go/src/examples');
    expect(JSON.parse(helper?.env?.find((e) => e.name === 'CYCLONE_OUTPUT_ARTIFACTS')?.value ?? '[]')).toEqual([
      { name: 'bin', path: '/workspace/go/bin/app' },
    ]);
    expect(helper?.volumeMounts?.some((m) => m.mountPath === '/go')).toBe(false);
    // A stage inside the workspace mounts nothing more.
    expect(buildStagePod(base).spec?.containers[0]?.volumeMounts?.filter((m) => m.name === 'workspace')).toEqual([
      { name: 'workspace', mountPath: '/workspace' },
    ]);
    expect(buildStagePod(base).spec?.containers[0]?.workingDir).toBe('/workspace/src');
  });

  it("mounts a persistent resource's claim in the inputs container only, at its folder", () => {
    const pod = buildStagePod({
      ...base,
      resources: [
        { name: 'plain', type: 'Git', url: 'http://git/a.git', revision: '', path: 'a' },
        {
          name: 'shop',
          type: 'Git',
          url: 'http://git/shop.git',
          revision: 'main',
          path: 'src',
          persistent: { key: 't/r', pullPolicy: 'IfNotExist', claim: { pvc: 'sources', path: '/shop/' } },
        },
      ],
    });
    const inputs = pod.spec?.initContainers?.find((c) => c.name === 'inputs');
    expect(inputs?.volumeMounts).toContainEqual({ name: 'kept-1', mountPath: '/cyclone-kept/1', subPath: 'shop' });
    expect(pod.spec?.volumes).toContainEqual({ name: 'kept-1', persistentVolumeClaim: { claimName: 'sources' } });
    expect(pod.spec?.containers[0]?.volumeMounts?.some((m) => m.name.startsWith('kept-'))).toBe(false);
    const spec = JSON.parse(inputs?.env?.find((e) => e.name === 'CYCLONE_INPUTS')?.value ?? '{}');
    expect(spec.resources[0].kept).toBeUndefined();
    expect(spec.resources[1].kept).toEqual({ dir: '/cyclone-kept/1', pullPolicy: 'IfNotExist' });
  });

  it('refuses system folders, paths that leave the workspace and stages without a command', () => {
    expect(() => buildStagePod({ ...base, workingDir: '/etc' })).toThrow('is a system folder');
    expect(() => buildStagePod({ ...base, workingDir: '../..' })).toThrow('leaves the run workspace');
    expect(() => buildStagePod({ ...base, command: [], args: [] })).toThrow('neither command nor args');
  });

  it('keeps secrets out of command and args, and every $ as the script wrote it', () => {
    // Kubernetes would expand $(NAME) and turn $$ into $: escaped, the shell sees what the stage wrote.
    expect(kubernetesProgram(['sh', '-c', 'echo $$ $(pwd) ${HOME}'], [])).toEqual([
      'sh',
      '-c',
      'echo $$$$ $$(pwd) $${HOME}',
    ]);
    const secret = stageSecretData({
      token: 'cst1.z',
      env: [],
      program: ['sh', '-c', 'login -p hunter2-long && echo hunter2'],
      secrets: ['hunter2', 'hunter2-long', 'unused'],
    });
    // Longest first, so the longer secret is replaced whole; an unused one is not copied.
    expect(secret.secretArgs).toEqual(['hunter2-long', 'hunter2']);
    expect(secret.data).toMatchObject({ 'arg-0': 'hunter2-long', 'arg-1': 'hunter2' });
    const pod = buildStagePod({
      ...base,
      command: ['sh', '-c'],
      args: ['login -p hunter2-long && echo hunter2'],
      secretArgs: secret.secretArgs,
    });
    const workload = pod.spec?.containers[0];
    expect(workload?.command?.at(-1)).toBe('login -p $(CYCLONE_SECRET_ARG_0) && echo $(CYCLONE_SECRET_ARG_1)');
    expect(workload?.env).toContainEqual({
      name: 'CYCLONE_SECRET_ARG_1',
      valueFrom: { secretKeyRef: { name: 'build-3-test-1', key: 'arg-1' } },
    });
    expect(JSON.stringify(pod)).not.toContain('hunter2');
  });

  it('keeps the token in the Secret even when nothing else is secret', () => {
    expect(stageSecretData({ token: 'cst1.y', env: [{ name: 'A', value: 'b' }], secrets: [] })).toEqual({
      data: { token: 'cst1.y', mask: '[]' },
      secretEnv: new Set(),
      secretArgs: [],
      resolverSecretKeys: new Set(),
    });
  });

  it("mounts a stage's accelerated folders from the workspace volume where build tools look for them", () => {
    const folders = acceleratedFolders('build');
    const pod = buildStagePod({ ...base, accelerated: { home: accelerationHome('build'), folders } });
    const mounts = pod.spec?.containers.find((c) => c.name === WORKLOAD_CONTAINER)?.volumeMounts ?? [];
    expect(mounts).toEqual(
      expect.arrayContaining([
        { name: 'workspace', mountPath: '/root/.m2', subPath: '.cyclone-acceleration/build/.m2' },
        { name: 'workspace', mountPath: '/root/.cache', subPath: '.cyclone-acceleration/build/.cache' },
      ]),
    );
    expect(mounts.filter((m) => m.subPath !== undefined)).toHaveLength(5);
    expect(buildStagePod(base).spec?.containers[0]?.volumeMounts?.some((m) => m.subPath)).toBe(false);
  });

  it('runs pull resolvers as init containers and push resolvers beside the workload, in the original protocol', () => {
    const resolverEnv = [
      { name: 'GREETING', value: 'hello' },
      { name: 'TOKEN', value: 'Sealed-42' },
      { name: 'WORKDIR', value: '/elsewhere' },
    ];
    const resolvers = [
      {
        name: 'greet',
        operation: 'pull' as const,
        image: 'acme/resolver:1',
        path: '/workspace/greet',
        env: resolverEnv,
      },
      { name: 'out', operation: 'push' as const, image: 'acme/resolver:1', path: 'result', env: resolverEnv },
    ];
    const secret = stageSecretData({ token: 't', env: [], secrets: ['Sealed-42'], resolvers });
    expect(secret.data).toMatchObject({ 'resolver-0-TOKEN': 'Sealed-42', 'resolver-1-TOKEN': 'Sealed-42' });
    const pod = buildStagePod({
      ...base,
      resources: [{ name: 'src', type: 'Git', url: 'https://git/x.git', path: 'src', revision: '' }],
      services: [{ name: 'db', image: 'redis', command: [], args: [], env: [] }],
      podSpecExtras: { containers: [{ name: 'main', resources: { limits: { memory: '64Mi' } } }] },
      resolvers,
      resolverSecretKeys: secret.resolverSecretKeys,
      httpPushes: [{ name: 'upload', path: 'dist' }],
    });
    expect(pod.spec?.initContainers?.map((c) => c.name)).toEqual(['helper', 'inputs', 'pull-0', 'svc-db']);
    expect(pod.spec?.containers.map((c) => c.name)).toEqual(['main', 'push-0']);
    const pull = pod.spec?.initContainers?.[2];
    expect(pull).toMatchObject({
      image: 'acme/resolver:1',
      args: ['pull'],
      resources: { limits: { memory: '64Mi' } },
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      volumeMounts: [{ name: 'workspace', mountPath: '/cyclone/resolver/data', subPath: 'greet' }],
    });
    expect(pull?.command).toBeUndefined();
    expect(pull?.env).toEqual([
      { name: 'GREETING', value: 'hello' },
      { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'build-3-test-1', key: 'resolver-0-TOKEN' } } },
      { name: 'WORKDIR', value: '/cyclone/resolver' },
      { name: 'METADATA_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    ]);
    const push = pod.spec?.containers[1];
    expect(push).toMatchObject({ args: ['push'], resources: { limits: { memory: '64Mi' } } });
    expect(push?.volumeMounts).toEqual([
      { name: 'workspace', mountPath: '/cyclone/resolver/data', subPath: 'result' },
      { name: 'resolver-notify', mountPath: '/cyclone/resolver/notify' },
    ]);
    // The helper writes notify/ok, and its readiness says when it never will.
    const helper = pod.spec?.initContainers?.[0];
    expect(helper?.volumeMounts).toContainEqual({ name: 'resolver-notify', mountPath: '/cyclone-notify' });
    expect(helper?.readinessProbe?.exec?.command).toEqual(['test', '-e', '/cyclone/pushes-cancelled']);
    expect(helper?.env).toEqual(
      expect.arrayContaining([
        { name: 'CYCLONE_NOTIFY_DIR', value: '/cyclone-notify' },
        { name: 'CYCLONE_HTTP_PUSHES', value: JSON.stringify([{ name: 'upload', path: '/workspace/dist' }]) },
      ]),
    );
    expect(pod.spec?.volumes).toContainEqual({ name: 'resolver-notify', emptyDir: {} });
    expect(JSON.parse(pod.metadata?.annotations?.['cyclone.dev/resolvers'] ?? '[]')).toEqual([
      { container: 'pull-0', name: 'greet', operation: 'pull', image: 'acme/resolver:1' },
      { container: 'push-0', name: 'out', operation: 'push', image: 'acme/resolver:1' },
    ]);
    expect(JSON.stringify(pod)).not.toContain('Sealed-42');
    expect(pod.spec?.terminationGracePeriodSeconds).toBe(ARTIFACT_UPLOAD_SECONDS);
  });

  it('gives pods without pushes no notify folder nor readiness probe', () => {
    const pod = buildStagePod({
      ...base,
      resolvers: [{ name: 'greet', operation: 'pull', image: 'r:1', path: '/workspace', env: [] }],
    });
    expect(pod.spec?.initContainers?.map((c) => c.name)).toEqual(['helper', 'pull-0']);
    expect(pod.spec?.initContainers?.[1]?.volumeMounts).toEqual([
      { name: 'workspace', mountPath: '/cyclone/resolver/data' },
    ]);
    expect(pod.spec?.initContainers?.[0]?.readinessProbe).toBeUndefined();
    expect(pod.spec?.volumes?.map((v) => v.name)).not.toContain('resolver-notify');
  });
});
