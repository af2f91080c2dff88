import {
  acceleratedFolders,
  accelerationCache,
  accelerationHome,
  buildsImages,
  imageBuildRefusal,
  matrixEnvName,
  type NameValue,
  ValuesError,
  type WorkflowSpec,
  type WorkflowStage,
} from '@cyclone/domain';
import type { SqlTx } from '../db/sql-tx.js';
import type { PodSecurityLevel } from '../generated/prisma/enums.js';
import { findRunArtifact } from '../modules/artifacts/artifacts.repository.js';
import { hostOf } from '../modules/integration-checks/check-result.js';
import type { SecretBox } from '../modules/integrations/secret-box.js';
import { parseImageReference } from '../modules/registries/image-reference.js';
import type { HttpPush, ResolverRun } from './executors/executor.js';
import type { ArtifactInput, ResourcePull } from './executors/stage-inputs.js';
import { applyStageParameters, resolveVariableSecrets, runVariables, substituteStage } from './run-values.js';
import { type IntegrationRow, openIntegration, prepareStageResources } from './stage-resources.js';

/** What pass() reads of a run: enough to prepare any of its stages. */
export interface PreparableRun {
  id: string;
  /** Its number in the workflow, for resolver images' WORKFLOWRUN_NAME. */
  number?: number;
  workflowId: string;
  /** The workflow's name (WORKFLOW_NAME of resolver images, a cache's `savedBy`). */
  workflowName: string;
  createdAt: Date;
  parameters: unknown;
  /** A retry: the retried run, and its number (read with the run: no query per stage). */
  retryOfId?: string | null;
  retryOfNumber?: number | null;
  /** Its stages keep their build tools' folders (acceleration). */
  acceleration?: boolean;
  stageRuns: readonly { stage: string; phase: string; outputs: unknown }[];
}

export interface PreparedStage {
  /** Caches with run values in their keys (hashFiles left for the executor). */
  caches?: WorkflowStage['caches'];
  /** The run's tenant and project (whose caches the stage uses), when it has caches. */
  cacheScope?: { tenantId: string; projectId: string; savedBy: string };
  /** The image with `${…}` values substituted (the Kubernetes executor runs it). */
  image: string;
  command: string[];
  args: string[];
  env: { name: string; value: string }[];
  workingDir?: string;
  /** Every secret value the stage gets (references, credentials): masked in its logs. */
  secrets: string[];
  resources: ResourcePull[];
  /** Resources a resolver image pulls or pushes, and Http resources sent after a zero exit. */
  resolvers?: ResolverRun[];
  httpPushes?: HttpPush[];
  artifacts: ArtifactInput[];
  /** Credentials for pulling the image, when the tenant has a registry integration of its registry. */
  pullAuth?: { server: string; username: string; password: string };
  /** With acceleration: the stage's accelerated folders (their cache is among `caches`). */
  accelerated?: { home: string; folders: { workspacePath: string; containerPath: string }[] };
  /** A retry's original run, whose workspace the retry's starts from. */
  retryOf?: { runId: string; number: number };
}

/**
 * Everything a stage gets, resolved inside the pass's transaction: run parameters
 * applied, references substituted (variables, upstream outputs, secrets of the run's
 * tenant), input resources with their run overrides and credentials, and the stored
 * artifacts it takes. Throws ValuesError with a message that names what is wrong and
 * never a secret value.
 */
export async function prepareStage(
  tx: SqlTx,
  deps: {
    box?: SecretBox /** Resolve registry credentials for the image (executors that pull it themselves). */;
    withPullAuth?: boolean;
  },
  run: PreparableRun,
  spec: WorkflowSpec,
  original: WorkflowStage,
  /** A matrix combination's values: `${matrix.NAME}` and `MATRIX_<NAME>` env vars. */
  matrix?: readonly NameValue[],
  /** The stage run's name (a matrix combination's `<stage>.<i>`): whose accelerated folders. */
  runStage: string = original.name,
): Promise<PreparedStage> {
  const stage = applyStageParameters(original, run);
  const scope = await scopeLoader(tx, run.workflowId);
  if (buildsImages(stage.podSpecExtras)) await checkImageBuild(tx, scope, stage.name);
  const usedSecrets = new Set<string>();
  const texts = [
    ...stage.command,
    ...stage.args,
    ...stage.env.map((e) => e.value),
    stage.workingDir ?? '',
    ...spec.globalVariables.map((v) => v.value),
    ...parametersText(run),
  ];
  const secrets = await loadSecrets(tx, deps, scope, texts);
  const context = { secrets, usedSecrets };
  const variables = resolveVariableSecrets(runVariables(run, spec), context);
  const fields = substituteStage(stage, spec, variables, run.stageRuns, context, matrix);
  for (const { name, value } of matrix ?? []) fields.env.push({ name: matrixEnvName(name), value });

  const resources =
    stage.inputs.resources.length + stage.outputs.resources.length > 0
      ? await prepareStageResources(
          tx,
          deps,
          run,
          stage,
          { ...(await scope()), workflow: run.workflowName },
          usedSecrets,
        )
      : undefined;

  const artifacts: ArtifactInput[] = [];
  for (const input of stage.inputs.artifacts) {
    const source = original.artifactSources.find((s) => s.name === input.name)?.source;
    const [from, name] = splitSource(source ?? '');
    if (!from || !name) {
      throw new ValuesError(`input artifact "${input.name}" has no source "<stage>/<artifact>"`);
    }
    const row = await findRunArtifact(tx, run, from, name);
    if (!row) throw new ValuesError(`input artifact "${input.name}": stage "${from}" has no artifact "${name}"`);
    artifacts.push({ name: input.name, path: input.path, storageKey: row.storageKey, isDirectory: row.isDirectory });
  }

  // A variable may carry a secret: never into a cache key, which is stored and shown in the clear.
  for (const cache of fields.caches ?? []) {
    for (const key of [cache.key, ...cache.restoreKeys]) {
      if ([...usedSecrets].some((secret) => secret !== '' && key.includes(secret))) {
        throw new ValuesError(`a cache key of stage "${stage.name}" would contain a secret value`);
      }
    }
  }

  const pullAuth = deps.withPullAuth ? await imagePullAuth(tx, deps, scope, fields.image) : undefined;
  if (pullAuth) usedSecrets.add(pullAuth.password);

  // Resource env first: the stage's own env (and its parameters) win over it.
  const resourceEnv = resources?.env ?? [];
  const env = [...resourceEnv.filter((r) => !fields.env.some((e) => e.name === r.name)), ...fields.env];
  // Acceleration's folders are kept per project and stage through one more cache.
  const accelerated = run.acceleration
    ? { home: accelerationHome(runStage), folders: acceleratedFolders(runStage) }
    : undefined;
  const caches = accelerated
    ? [...(fields.caches ?? []), accelerationCache((await scope()).projectId, runStage, run.id)]
    : fields.caches;
  const cacheScope = caches ? { ...(await scope()), savedBy: `${run.workflowName}/${stage.name}` } : undefined;
  const retryOf =
    run.retryOfId && run.retryOfNumber != null ? { runId: run.retryOfId, number: run.retryOfNumber } : undefined;
  return {
    ...fields,
    ...(caches ? { caches } : {}),
    ...(accelerated ? { accelerated } : {}),
    ...(cacheScope ? { cacheScope } : {}),
    env,
    secrets: [...usedSecrets].filter((s) => s !== ''),
    resources: resources?.pulls ?? [],
    ...(resources?.resolvers.length ? { resolvers: resources.resolvers } : {}),
    ...(resources?.httpPushes.length ? { httpPushes: resources.httpPushes } : {}),
    artifacts,
    ...(pullAuth ? { pullAuth } : {}),
    ...(retryOf ? { retryOf } : {}),
  };
}

const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/**
 * The tenant's registry integration for the image's registry (by host; Docker Hub
 * for an image that names no registry), opened into pull credentials. Without a
 * secret box (or a matching integration) the image is pulled anonymously.
 */
async function imagePullAuth(
  tx: SqlTx,
  deps: { box?: SecretBox },
  scope: () => Promise<{ tenantId: string }>,
  image: string,
): Promise<PreparedStage['pullAuth']> {
  const host = parseImageReference(image)?.host;
  const isHub = host === undefined || DOCKER_HUB_HOSTS.has(host);
  if (!deps.box || image.trim() === '') return undefined;
  const { tenantId } = await scope();
  const types = isHub ? ['DOCKER_HUB'] : ['DOCKER_REGISTRY', 'HARBOR'];
  const rows = await tx.$queryRaw<IntegrationRow[]>`
    SELECT name, config, secret_ciphertext AS "secretCiphertext" FROM integrations
    WHERE tenant_id = ${tenantId}::uuid AND type = ANY(${types}::text[]::"IntegrationType"[])
    ORDER BY created_at`;
  const row = isHub ? rows[0] : rows.find((r) => hostOf(String((r.config as { server?: unknown }).server)) === host);
  if (!row) return undefined;
  const { config, secret } = openIntegration(deps, row);
  const password = secret.password ?? secret.token;
  if (!password) return undefined;
  return {
    server: isHub ? 'https://index.docker.io/v1/' : (host as string),
    username: typeof config.username === 'string' ? config.username : '',
    password,
  };
}

function parametersText(run: { parameters: unknown }): string[] {
  return ((run.parameters ?? []) as { value: string }[]).map((p) => p.value);
}

function splitSource(source: string): [string | undefined, string | undefined] {
  const at = source.indexOf('/');
  return at <= 0 ? [undefined, undefined] : [source.slice(0, at), source.slice(at + 1)];
}

/** An image build runs only where the tenant's pod security lets buildah work, on every executor alike. */
async function checkImageBuild(tx: SqlTx, scope: () => Promise<{ tenantId: string }>, stage: string) {
  const { tenantId } = await scope();
  const [tenant] = await tx.$queryRaw<{ podSecurity: PodSecurityLevel }[]>`
    SELECT pod_security::text AS "podSecurity" FROM tenants WHERE id = ${tenantId}::uuid`;
  if (!tenant) throw new Error(`tenant ${tenantId} not found`);
  const refusal = imageBuildRefusal(stage, tenant.podSecurity);
  if (refusal) throw new ValuesError(refusal);
}

/** The run's tenant and project, read once and only when something needs them. */
function scopeLoader(tx: SqlTx, workflowId: string) {
  let loaded: Promise<{ tenantId: string; projectId: string }> | undefined;
  return () => {
    loaded ??= readScope(tx, workflowId);
    return loaded;
  };
}

async function readScope(tx: SqlTx, workflowId: string): Promise<{ tenantId: string; projectId: string }> {
  const [row] = await tx.$queryRaw<{ tenantId: string; projectId: string }[]>`
    SELECT p.tenant_id AS "tenantId", p.id AS "projectId"
    FROM workflows w JOIN projects p ON p.id = w.project_id WHERE w.id = ${workflowId}::uuid`;
  if (!row) throw new Error(`workflow ${workflowId} not found`);
  return row;
}

async function loadSecrets(
  tx: SqlTx,
  deps: { box?: SecretBox },
  scope: () => Promise<{ tenantId: string }>,
  texts: string[],
): Promise<Map<string, Record<string, string>>> {
  const names = new Set<string>();
  for (const text of texts)
    for (const match of text.matchAll(/\$\{secrets\.([^.}]+)\./g)) names.add(match[1] as string);
  const secrets = new Map<string, Record<string, string>>();
  if (names.size === 0) return secrets;
  const { tenantId } = await scope();
  const rows = await tx.$queryRaw<IntegrationRow[]>`
    SELECT name, config, secret_ciphertext AS "secretCiphertext" FROM integrations
    WHERE tenant_id = ${tenantId}::uuid AND name = ANY(${[...names]}::text[])`;
  for (const row of rows) secrets.set(row.name, openIntegration(deps, row).secret);
  return secrets;
}
