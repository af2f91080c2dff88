import {
  boundParameterValue,
  httpPushSettings,
  type NameValue,
  type ResourceSpec,
  resourceTypeSpecSchema,
  ValuesError,
  type WorkflowStage,
} from '@cyclone/domain';
import type { SqlTx } from '../db/sql-tx.js';
import type { ResourceType } from '../generated/prisma/enums.js';
import type { SecretBox } from '../modules/integrations/secret-box.js';
import { repositoryCredentials } from '../modules/resources/repository-credentials.js';
import { openResourceSecrets, withSecretValues } from '../modules/resources/resource-secrets.js';
import type { HttpPush, ResolverRun } from './executors/executor.js';
import type { KeptResource } from './executors/kept-resources.js';
import type { ResourcePull } from './executors/stage-inputs.js';
import { resourceParametersFor } from './run-values.js';

/** What a stage's resources give it: pulls Cyclone makes, env (KV), resolver runs and Http pushes. */
export interface StageResources {
  pulls: ResourcePull[];
  env: NameValue[];
  resolvers: ResolverRun[];
  httpPushes: HttpPush[];
}

/** What openIntegration reads of an integration row. */
export interface IntegrationRow {
  name: string;
  config: unknown;
  secretCiphertext: string;
}

/** A resource with its integration and registered type: what a stage's resources need of them. */
interface ResourceRow {
  id: string;
  name: string;
  type: ResourceType;
  parameters: unknown;
  resolver: string | null;
  persistent: unknown;
  secretCiphertext: string | null;
  integration: IntegrationRow | null;
  registeredType: { type: string; resolver: string; operations: string[]; bind: unknown } | null;
}

type Integration = { config: Record<string, unknown>; secret: Record<string, string> };

/**
 * Resolves the resources a stage takes and gives, inside the pass's transaction: run
 * overrides applied, sealed parameters and integration credentials opened (each added
 * to `usedSecrets`, so the stage's logs mask them). Git and Svn inputs are pulled by
 * Cyclone; KV inputs become env; General and registered types run their resolver image
 * (`pull` for inputs, `push` for outputs, when the type can); Http outputs are sent.
 * Throws ValuesError naming the resource.
 */
export async function prepareStageResources(
  tx: SqlTx,
  deps: { box?: SecretBox },
  run: { parameters: unknown; number?: number },
  stage: WorkflowStage,
  scope: { tenantId: string; projectId: string; workflow: string },
  usedSecrets: Set<string>,
): Promise<StageResources> {
  const result: StageResources = { pulls: [], env: [], resolvers: [], httpPushes: [] };
  const wanted = [...stage.inputs.resources, ...stage.outputs.resources].map((r) => r.name);
  if (wanted.length === 0) return result;
  const rows = await loadRows(tx, scope.projectId, wanted);
  const opened = (row: ResourceRow) => {
    const sealed = openSealedResource(deps, row);
    for (const value of Object.values(sealed)) usedSecrets.add(value);
    return resourceParametersFor(run, row.name, withSecretValues(parametersOf(row), sealed));
  };
  // Opened only where credentials are used: a KV resource bound to an integration needs no key.
  const integrationOf = (row: ResourceRow) => (row.integration ? openIntegration(deps, row.integration) : undefined);
  const resolverEnv = (row: ResourceRow, parameters: Map<string, string>) => {
    const bindings = Object.entries(bindingsOf(row));
    const integration = bindings.length > 0 ? integrationOf(row) : undefined;
    for (const [name, binding] of bindings) {
      if (parameters.get(name) || !integration) continue;
      const value = boundParameterValue(binding, integration);
      if (value === undefined) continue;
      if (Object.values(integration.secret).includes(value)) usedSecrets.add(value);
      parameters.set(name, value);
    }
    return [
      ...[...parameters].map(([name, value]) => ({ name, value })),
      { name: 'WORKFLOW_NAME', value: scope.workflow },
      { name: 'WORKFLOWRUN_NAME', value: run.number === undefined ? '' : `${scope.workflow}-${run.number}` },
      { name: 'STAGE_NAME', value: stage.name },
    ];
  };

  for (const input of stage.inputs.resources) {
    const row = find(rows, input.name, 'input');
    const parameters = opened(row);
    if (row.type === 'KV') {
      for (const [name, value] of parameters) result.env.push({ name, value });
    } else if (row.type === 'GIT' || row.type === 'SVN') {
      result.pulls.push(repositoryPull(row, parameters, integrationOf(row), input.path, scope.tenantId, usedSecrets));
    } else if (row.type === 'HTTP') {
      throw new ValuesError(
        `input resource "${row.name}": Http resources are pushed only (as in the original Cyclone)`,
      );
    } else if (row.type === 'GENERAL' || row.type === 'REGISTERED') {
      const image = resolverOf(row, 'pull', 'input');
      result.resolvers.push({
        name: row.name,
        operation: 'pull',
        image,
        path: input.path,
        env: resolverEnv(row, parameters),
      });
    }
  }
  for (const output of stage.outputs.resources) {
    const row = find(rows, output.name, 'output');
    if (row.type !== 'GENERAL' && row.type !== 'REGISTERED' && row.type !== 'HTTP') continue;
    if (!output.path) {
      throw new ValuesError(`output resource "${row.name}" needs a path: where the stage leaves what it pushes`);
    }
    const parameters = opened(row);
    if (row.type === 'HTTP') {
      const settings = httpPushSettings(parameters);
      if (typeof settings === 'string') throw new ValuesError(`output resource "${row.name}": ${settings}`);
      result.httpPushes.push({ name: row.name, path: output.path, ...settings });
      continue;
    }
    const image = resolverOf(row, 'push', 'output');
    result.resolvers.push({
      name: row.name,
      operation: 'push',
      image,
      path: output.path,
      env: resolverEnv(row, parameters),
    });
  }
  return result;
}

/** One statement: the integration and registered type come as JSON objects, which both drivers parse. */
function loadRows(tx: SqlTx, projectId: string, names: string[]): Promise<ResourceRow[]> {
  return tx.$queryRaw<ResourceRow[]>`
    SELECT r.id, r.name, r.type::text AS type, r.parameters, r.resolver, r.persistent,
           r.secret_ciphertext AS "secretCiphertext",
           CASE WHEN i.id IS NOT NULL THEN jsonb_build_object(
             'name', i.name, 'config', i.config, 'secretCiphertext', i.secret_ciphertext) END AS integration,
           CASE WHEN t.id IS NOT NULL THEN jsonb_build_object(
             'type', t.type, 'resolver', t.resolver, 'operations', t.operations, 'bind', t.bind) END AS "registeredType"
    FROM resources r
    LEFT JOIN integrations i ON i.id = r.integration_id
    LEFT JOIN resource_types t ON t.id = r.registered_type_id
    WHERE r.project_id = ${projectId}::uuid AND r.name = ANY(${[...new Set(names)]}::text[])`;
}

function find(rows: ResourceRow[], name: string, side: 'input' | 'output'): ResourceRow {
  const row = rows.find((r) => r.name === name);
  if (!row) throw new ValuesError(`${side} resource "${name}": no such resource in this project`);
  return row;
}

function parametersOf(row: ResourceRow): NameValue[] {
  return (row.parameters ?? []) as NameValue[];
}

function bindingsOf(row: ResourceRow): Record<string, string> {
  if (!row.registeredType?.bind || !row.integration) return {};
  return resourceTypeSpecSchema.shape.bind.parse(row.registeredType.bind)?.paramBindings ?? {};
}

/** The resource's own resolver, else its registered type's, which must do the operation. */
function resolverOf(row: ResourceRow, operation: 'pull' | 'push', side: 'input' | 'output'): string {
  const type = row.registeredType;
  if (type && !type.operations.includes(operation)) {
    throw new ValuesError(
      `${side} resource "${row.name}": its type ${type.type} cannot ${operation} (operations: ${type.operations.join(', ')})`,
    );
  }
  const image = row.resolver ?? type?.resolver;
  if (!image) throw new ValuesError(`${side} resource "${row.name}" has no resolver image`);
  return image;
}

function repositoryPull(
  row: ResourceRow,
  parameters: Map<string, string>,
  integration: Integration | undefined,
  path: string,
  tenantId: string,
  usedSecrets: Set<string>,
): ResourcePull {
  const url = parameters.get('SCM_URL');
  if (!url) throw new ValuesError(`input resource "${row.name}": SCM_URL is not set`);
  const type = row.type === 'GIT' ? 'Git' : 'Svn';
  const auth = repositoryCredentials(type, parameters, integration);
  if (auth) usedSecrets.add(auth.password);
  // Credentials written into the URL itself are secrets too.
  const inUrl = /^[a-z+]+:\/\/([^/@]*)@/i.exec(url)?.[1];
  if (inUrl) usedSecrets.add(inUrl.includes(':') ? inUrl.slice(inUrl.indexOf(':') + 1) : inUrl);
  return {
    name: row.name,
    type,
    url,
    revision: parameters.get('SCM_REVISION') ?? '',
    path,
    auth,
    ...(row.persistent ? { persistent: keptResourceOf(tenantId, row.id, row.persistent) } : {}),
  };
}

export function openIntegration(deps: { box?: SecretBox }, row: IntegrationRow): Integration {
  if (!deps.box) throw new ValuesError(`integration "${row.name}": secrets are not available to this executor`);
  try {
    return { config: (row.config ?? {}) as Record<string, unknown>, secret: deps.box.openJson(row.secretCiphertext) };
  } catch {
    throw new ValuesError(`integration "${row.name}": its secret cannot be decrypted with this server's key`);
  }
}

/** A resource's sealed parameters (SCM_AUTH, SCM_PWD, …), opened for this attempt only. */
function openSealedResource(
  deps: { box?: SecretBox },
  row: { name: string; secretCiphertext: string | null },
): Record<string, string> {
  if (!row.secretCiphertext) return {};
  if (!deps.box) throw new ValuesError(`resource "${row.name}": secrets are not available to this executor`);
  try {
    return openResourceSecrets(deps.box, row.secretCiphertext);
  } catch {
    throw new ValuesError(`resource "${row.name}": its secret parameters cannot be decrypted with this server's key`);
  }
}

/** A persistent resource's kept copy: one per tenant and resource; absent pullPolicy is Always, as in the original. */
function keptResourceOf(tenantId: string, resourceId: string, persistent: unknown): KeptResource {
  const { pullPolicy, pvc, path } = persistent as NonNullable<ResourceSpec['persistent']>;
  return {
    key: `${tenantId}/${resourceId}`,
    pullPolicy: pullPolicy === 'IfNotExist' ? 'IfNotExist' : 'Always',
    claim: { pvc, path },
  };
}
