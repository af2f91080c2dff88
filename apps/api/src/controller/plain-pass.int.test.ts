// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Cyclone references, not templates.
import { randomBytes } from 'node:crypto';
import { IMAGE_BUILD_SECURITY_CONTEXT, type WorkflowSpec, workflowSpecSchema } from '@cyclone/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlainSql, type PlainSql } from '../db/plain-sql.js';
import { createPrismaClient, type Db } from '../db/prisma.js';
import type { SqlTx } from '../db/sql-tx.js';
import type { Prisma } from '../generated/prisma/client.js';
import { findRunArtifact } from '../modules/artifacts/artifacts.repository.js';
import { SecretBox } from '../modules/integrations/secret-box.js';
import { childHandle } from '../modules/runs/child-handle.js';
import { createRunInTx } from '../modules/runs/run-create.js';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.js';
import { endParentAttempt, stopChildRun } from './child-runs.js';
import { type PreparableRun, prepareStage } from './stage-prepare.js';

const VAULT_TOKEN = 'vault-token-42';
const REGISTRY_PASSWORD = 'registry-password-7';
const GIT_PASSWORD = 'git-password-9';
const NO_RUN = { parameters: [], timeoutSeconds: null, createdById: null };

/**
 * What a run pass does with its transaction, on a plain pg transaction (the engine's)
 * and on Prisma's: the same rows read, the same values written. pg returns int8 as
 * text, does not parse enum arrays and takes JSON as given: the statements cast.
 */
describe('run pass statements on plain pg', () => {
  let database: TestDatabase;
  let db: Db;
  let plain: PlainSql;
  const box = new SecretBox(randomBytes(32));
  let spec: WorkflowSpec;
  let workflowId: string;
  let libId: string;

  const onBoth = async <T>(work: (tx: SqlTx) => Promise<T>): Promise<[T, T]> => [
    await plain.transaction(work),
    await db.$transaction(work),
  ];
  const stage = (name: string) => spec.stages.find((s) => s.name === name) as WorkflowSpec['stages'][number];
  const preparable = (run: { id: string; number: number; createdAt: Date; parameters: unknown }): PreparableRun => ({
    ...run,
    workflowId,
    workflowName: 'app',
    stageRuns: [],
  });

  beforeAll(async () => {
    database = await createTestDatabase();
    db = createPrismaClient(database.url);
    plain = createPlainSql(database.url);
    const tenant = await db.tenant.create({ data: { name: 'acme' } });
    const project = await db.project.create({ data: { tenantId: tenant.id, name: 'web' } });
    const integration = (name: string, type: 'GENERAL' | 'DOCKER_REGISTRY', config: object, secret: object) =>
      db.integration.create({
        data: {
          tenantId: tenant.id,
          name,
          type,
          config,
          secretCiphertext: box.sealJson(secret as Record<string, string>),
          secretKeys: Object.keys(secret),
        },
      });
    const vault = await integration('vault', 'GENERAL', { url: 'https://vault.example.com' }, { token: VAULT_TOKEN });
    await integration(
      'registry',
      'DOCKER_REGISTRY',
      { server: 'https://registry.example.com', username: 'robot' },
      { password: REGISTRY_PASSWORD },
    );
    const store = await db.registeredResourceType.create({
      data: {
        tenantId: tenant.id,
        name: 'store',
        type: 'Store',
        resolver: 'example.com/store-resolver:1',
        operations: ['pull', 'push'],
        bind: { integrationType: 'General', paramBindings: { TOKEN: 'general.token' } },
      },
    });
    await db.resource.createMany({
      data: [
        { projectId: project.id, name: 'settings', type: 'KV', parameters: [{ name: 'MODE', value: 'dev' }] },
        {
          projectId: project.id,
          name: 'src',
          type: 'GIT',
          parameters: [
            { name: 'SCM_URL', value: 'https://git.example.com/acme/app.git' },
            { name: 'SCM_REVISION', value: 'main' },
            { name: 'SCM_AUTH', value: '' },
          ],
          secretCiphertext: box.sealJson({ SCM_AUTH: `bot:${GIT_PASSWORD}` }),
          persistent: { pvc: 'sources', path: 'app', pullPolicy: 'IfNotExist' },
        },
        {
          projectId: project.id,
          name: 'bucket',
          type: 'REGISTERED',
          registeredTypeId: store.id,
          integrationId: vault.id,
          parameters: [
            { name: 'TOKEN', value: '' },
            { name: 'NAME', value: 'artifacts' },
          ],
        },
        {
          projectId: project.id,
          name: 'hook',
          type: 'HTTP',
          parameters: [{ name: 'URL', value: 'https://hooks.example.com/report' }],
        },
      ],
    });
    spec = workflowSpecSchema.parse({
      stages: [
        { name: 'compile', image: 'alpine:3.20', command: ['true'] },
        {
          name: 'build',
          image: 'registry.example.com/acme/builder:1',
          command: ['sh', '-c'],
          args: ['echo ${secrets.vault.token}'],
          env: [{ name: 'VAULT_TOKEN', value: '${secrets.vault.token}' }],
          dependsOn: ['compile'],
          inputs: {
            resources: [
              { name: 'src', path: '/workspace/src' },
              { name: 'settings', path: 'unused' },
              { name: 'bucket', path: '/workspace/bucket' },
            ],
            artifacts: [{ name: 'bin', path: '/workspace/bin' }],
          },
          outputs: {
            resources: [
              { name: 'hook', path: '/workspace/report' },
              { name: 'bucket', path: '/workspace/out' },
            ],
          },
          artifactSources: [{ name: 'bin', source: 'compile/bin' }],
        },
        {
          name: 'image',
          image: 'quay.io/buildah/stable',
          podSpecExtras: { containers: [{ name: 'main', securityContext: IMAGE_BUILD_SECURITY_CONTEXT }] },
        },
      ],
    });
    const workflow = (name: string, version: WorkflowSpec) =>
      db.workflow.create({
        data: {
          projectId: project.id,
          name,
          currentVersion: 1,
          versions: { create: { version: 1, spec: version as unknown as Prisma.InputJsonObject } },
        },
      });
    workflowId = (await workflow('app', spec)).id;
    const lib = workflowSpecSchema.parse({
      stages: [
        { name: 'first', image: 'alpine:3.20' },
        { name: 'second', image: 'alpine:3.20', dependsOn: ['first'] },
      ],
    });
    libId = (await workflow('lib', lib)).id;
  });

  afterAll(async () => {
    await db?.$disconnect();
    await plain?.close();
    await database?.drop();
  });

  it('creates runs alike: numbered, bound to the version, with every column typed as Prisma reads it', async () => {
    const run = { ...NO_RUN, parameters: [{ name: 'X', value: '1' }], timeoutSeconds: 60 };
    const [fromPlain, fromPrisma] = await onBoth((tx) => createRunInTx(tx, workflowId, run));
    expect([fromPlain.number, fromPrisma.number]).toEqual([1, 2]);
    const comparable = (created: typeof fromPlain) => ({ ...created, id: '', number: 0, createdAt: undefined });
    expect(comparable(fromPlain)).toEqual(comparable(fromPrisma));
    expect(fromPlain).toMatchObject({ phase: 'PENDING', trigger: 'MANUAL', parameters: run.parameters, volumes: [] });
    expect(fromPlain.createdAt).toBeInstanceOf(Date);
    const stages = await db.stageRun.findMany({ where: { runId: fromPlain.id }, orderBy: { stage: 'asc' } });
    expect(stages.map((s) => `${s.stage}:${s.phase}`)).toEqual(['build:PENDING', 'compile:PENDING', 'image:PENDING']);
  });

  it("prepares a stage alike: secrets, resources, pull credentials and a retry's artifact from its origin", async () => {
    const original = await plain.transaction((tx) => createRunInTx(tx, workflowId, NO_RUN));
    // Past 2^31 bytes: a size int4 cannot hold.
    const size = 5_000_000_000n;
    const storageKey = `${original.id}/compile/bin`;
    await db.artifact.create({
      data: {
        runId: original.id,
        stage: 'compile',
        name: 'bin',
        attempt: 1,
        isDirectory: true,
        size,
        sha256: 'ab',
        storageKey,
      },
    });
    const retry = await plain.transaction((tx) => createRunInTx(tx, workflowId, { ...NO_RUN, retryOfId: original.id }));
    const run = { ...preparable(retry), retryOfId: original.id, retryOfNumber: original.number };

    const [fromPlain, fromPrisma] = await onBoth((tx) =>
      prepareStage(tx, { box, withPullAuth: true }, run, spec, stage('build')),
    );
    expect(fromPlain).toEqual(fromPrisma);
    expect(fromPlain.args).toEqual([`echo ${VAULT_TOKEN}`]);
    expect(fromPlain.env).toEqual([
      { name: 'MODE', value: 'dev' },
      { name: 'VAULT_TOKEN', value: VAULT_TOKEN },
    ]);
    expect(fromPlain.pullAuth).toEqual({
      server: 'registry.example.com',
      username: 'robot',
      password: REGISTRY_PASSWORD,
    });
    expect(fromPlain.secrets).toEqual(expect.arrayContaining([VAULT_TOKEN, REGISTRY_PASSWORD, GIT_PASSWORD]));
    expect(fromPlain.resources).toMatchObject([
      {
        name: 'src',
        auth: { username: 'bot', password: GIT_PASSWORD },
        persistent: { pullPolicy: 'IfNotExist', claim: { pvc: 'sources', path: 'app' } },
      },
    ]);
    expect(fromPlain.resolvers?.map((r) => `${r.name}:${r.operation}:${r.image}`)).toEqual([
      'bucket:pull:example.com/store-resolver:1',
      'bucket:push:example.com/store-resolver:1',
    ]);
    expect(fromPlain.resolvers?.[0]?.env).toContainEqual({ name: 'TOKEN', value: VAULT_TOKEN });
    expect(fromPlain.httpPushes?.map((p) => p.url)).toEqual(['https://hooks.example.com/report']);
    expect(fromPlain.artifacts).toEqual([{ name: 'bin', path: '/workspace/bin', storageKey, isDirectory: true }]);
    expect(fromPlain.retryOf).toEqual({ runId: original.id, number: original.number });

    const found = await onBoth((tx) => findRunArtifact(tx, retry, 'compile', 'bin'));
    expect(found).toEqual([
      { storageKey, isDirectory: true, size, sha256: 'ab' },
      { storageKey, isDirectory: true, size, sha256: 'ab' },
    ]);
  });

  it("refuses an image build where the tenant's pod security does not allow it", async () => {
    const run = preparable(await plain.transaction((tx) => createRunInTx(tx, workflowId, NO_RUN)));
    await expect(plain.transaction((tx) => prepareStage(tx, {}, run, spec, stage('image')))).rejects.toThrow(
      /stage "image" builds images.*RESTRICTED/,
    );
  });

  it("ends the parent's attempt with its child's outputs, and stops a child once", async () => {
    const parent = await plain.transaction((tx) => createRunInTx(tx, workflowId, NO_RUN));
    await db.stageRun.updateMany({
      where: { runId: parent.id, stage: 'compile' },
      data: { phase: 'RUNNING', attempt: 1 },
    });
    const child = await plain.transaction((tx) =>
      createRunInTx(tx, libId, { ...NO_RUN, parent: { runId: parent.id, stage: 'compile', attempt: 1 } }),
    );
    expect(child).toMatchObject({ parentRunId: parent.id, parentStage: 'compile', parentAttempt: 1 });
    expect(child.admittedAt).toBeInstanceOf(Date);
    const outputs = {
      first: [
        { key: 'k', value: 'first' },
        { key: 'only', value: '1' },
      ],
      second: [{ key: 'k', value: 'second' }],
    };
    for (const [name, stageOutputs] of Object.entries(outputs)) {
      await db.stageRun.updateMany({
        where: { runId: child.id, stage: name },
        data: { phase: 'SUCCEEDED', outputs: stageOutputs },
      });
    }
    await db.workflowRun.update({ where: { id: child.id }, data: { message: 'all done' } });

    const now = new Date('2026-01-02T03:04:05.678Z');
    const ended = {
      id: child.id,
      versionId: child.versionId,
      parentRunId: parent.id,
      parentStage: 'compile',
      parentAttempt: 1,
    };
    await plain.transaction((tx) => endParentAttempt(tx, ended, 'SUCCEEDED', now));
    const row = await db.stageRun.findFirstOrThrow({ where: { runId: parent.id, stage: 'compile' } });
    expect(row).toMatchObject({
      phase: 'SUCCEEDED',
      finishedAt: now,
      message: 'child run #1 SUCCEEDED: all done',
      // The later stage's value wins; JSON stored as JSON, not as a string.
      outputs: [
        { key: 'k', value: 'second' },
        { key: 'only', value: '1' },
      ],
    });
    // An attempt already ended is left as it is.
    await plain.transaction((tx) => endParentAttempt(tx, ended, 'FAILED', new Date()));
    expect(await db.stageRun.findFirstOrThrow({ where: { runId: parent.id, stage: 'compile' } })).toEqual(row);

    await plain.transaction((tx) => stopChildRun(tx, childHandle(child.id), now));
    await plain.transaction((tx) => stopChildRun(tx, childHandle(child.id), new Date()));
    const stopped = await db.workflowRun.findUniqueOrThrow({ where: { id: child.id } });
    expect(stopped.stopRequestedAt).toEqual(now);
  });
});
