import { LIMITS, type StageDefinition, workflowSpecSchema } from '@cyclone/domain';
import { formatManifestError, joinWorkflow, type Manifest, parseManifests } from '@cyclone/manifests';
import type { Db } from '../../db/prisma.js';
import { AppError, badInput } from '../../errors/app-error.js';
import type { Logger } from '../../logging/logger.js';
import type { AuthUser } from '../identity/identity.service.js';
import type { SecretBox } from '../integrations/secret-box.js';
import { applyNotificationDocument } from '../notifications/notification-document.js';
import { upsertResourceType } from '../resource-types/resource-types.repository.js';
import { upsertResource } from '../resources/resources.repository.js';
import { lockTenantQueue } from '../runs/run-create.js';
import { requireProject } from '../shared/access.js';
import { runMutation, type Tx } from '../shared/mutation.js';
import { loadStageDefinition, upsertStage } from '../stages/stages.repository.js';
import { upsertTenantTemplate } from '../templates/tenant-templates.repository.js';
import { upsertTrigger } from '../triggers/triggers.repository.js';
import type { RepositoryWebhooks } from '../webhooks/repository-webhooks.js';
import { syncTriggerWebhooks } from '../webhooks/trigger-webhook-sync.js';
import { applyRunSettings } from '../workflows/run-settings.js';
import { normalizeSpec } from '../workflows/workflows.inputs.js';
import { workflowsRepository } from '../workflows/workflows.repository.js';
import {
  assertNoChildCycle,
  assertResourcesExist,
  assertValidGraph,
  documentFieldNames,
} from '../workflows/workflows.rules.js';
import { applyWorkflowRun } from './apply-run.js';

/**
 * What a document became: a Stage document is a project stage or, labelled so, a tenant
 * stage template; a Resource document a project resource or, labelled so, a tenant resource type.
 */
export type AppliedTarget =
  | 'RESOURCE'
  | 'RESOURCE_TYPE'
  | 'STAGE'
  | 'STAGE_TEMPLATE'
  | 'WORKFLOW'
  | 'WORKFLOW_TRIGGER'
  | 'WORKFLOW_RUN';

export interface AppliedObject {
  kind: string;
  name: string;
  action: 'CREATED' | 'UPDATED' | 'UNCHANGED';
  target: AppliedTarget;
  message?: string;
  /** A WorkflowRun document's run. */
  run?: { id: string; number: number };
}

type WebhookSync = Parameters<Parameters<typeof syncTriggerWebhooks>[1]>[0];

/** How the GitOps intake (kube-sync/intake) applies a resource changed in Kubernetes. */
export interface ApplyOptions {
  /** The audit event's subject instead of `manifests.apply` of the project. */
  audit?: { action: string; objectType: string; objectName: string };
  /**
   * Stage definitions a Workflow document may use that are neither in the apply nor
   * project stages (the workflow's own stages, as mirrored); not written as stages.
   */
  stageDefinitions?: ReadonlyMap<string, StageDefinition>;
  /** A WorkflowRun document's run adopts this WorkflowRun resource (made with kubectl). */
  runObjectName?: string;
}

interface Indexed<K extends Manifest['kind']> {
  index: number;
  manifest: Extract<Manifest, { kind: K }>;
}

const TRIGGER_FIELDS: Record<string, string> = {
  cron: 'cron.schedule',
  concurrencyPolicy: 'cron.concurrencyPolicy',
  startingDeadlineSeconds: 'cron.startingDeadlineSeconds',
  scm: 'scm',
  'scm.integration': 'scm.secret',
};

/**
 * Applies Cyclone YAML to a project: every document in one transaction (a problem
 * anywhere writes nothing), in the order resource types, Resources, Stages (and stage templates),
 * Workflows, Triggers, WorkflowRuns, so documents may refer to each other whatever
 * their order in the file.
 */
export class ManifestsService {
  constructor(
    private readonly deps: { db: Db; logger: Logger; box: SecretBox; repositoryWebhooks?: RepositoryWebhooks },
  ) {}

  applyManifests(
    actor: AuthUser,
    input: { tenant: string; project: string; yaml: string },
    options: ApplyOptions = {},
  ): Promise<AppliedObject[]> {
    const subject = options.audit ?? {
      action: 'manifests.apply',
      objectType: 'Project',
      objectName: String(input.project),
    };
    // SCM triggers register their repository webhooks as createWorkflowTrigger does, inside the mutation.
    return syncTriggerWebhooks(this.deps.repositoryWebhooks, (hooks) =>
      this.apply(actor, input, subject, hooks, options),
    );
  }

  private apply(
    actor: AuthUser,
    input: { tenant: string; project: string; yaml: string },
    subject: { action: string; objectType: string; objectName: string },
    hooks: WebhookSync,
    options: ApplyOptions,
  ): Promise<AppliedObject[]> {
    return runMutation(this.deps, actor, subject, async (tx, audited) => {
      const { tenant, project } = await requireProject(tx, actor, input.tenant, input.project, 'DEVELOPER');
      audited.tenantId = tenant.id;
      const documents = parseDocuments(input.yaml);
      const scope = { tenantId: tenant.id, projectId: project.id };
      const of = <K extends Manifest['kind']>(kind: K) =>
        documents.flatMap((manifest, index) => (manifest.kind === kind ? [{ index, manifest } as Indexed<K>] : []));

      const applied: AppliedObject[] = [];
      const note = (kind: string, name: string, target: AppliedTarget, action: AppliedObject['action']) =>
        applied.push({ kind, name, action, target });
      for (const { manifest } of of('ResourceType')) {
        note('Resource', manifest.spec.name, 'RESOURCE_TYPE', await upsertResourceType(tx, tenant.id, manifest.spec));
      }
      for (const { index, manifest } of of('Resource')) {
        const outcome = await upsertResource(tx, scope, manifest.spec, {
          field: `documents[${index}].spec`,
          box: this.deps.box,
        });
        note('Resource', manifest.spec.name, 'RESOURCE', outcome);
      }
      const stages = new Map<string, StageDefinition>();
      for (const { index, manifest } of of('Stage')) {
        if (manifest.template) {
          const template = { ...manifest.template, name: manifest.spec.name, spec: manifest.spec };
          note('Stage', manifest.spec.name, 'STAGE_TEMPLATE', await upsertTenantTemplate(tx, tenant.id, template));
          continue;
        }
        const outcome = await upsertStage(tx, scope, manifest.spec, { field: `documents[${index}].spec` });
        note('Stage', manifest.spec.name, 'STAGE', outcome);
        stages.set(manifest.spec.name, manifest.spec);
      }
      const workflowIds = new Map<string, string>();
      for (const { index, manifest } of of('Workflow')) {
        const spec = await resolveWorkflow(tx, project.id, index, manifest.spec, stages, options.stageDefinitions);
        const saved = await workflowsRepository.saveVersion(tx, project.id, manifest.spec.name, spec, actor.id);
        const cluster = manifest.spec.executionCluster;
        if (cluster !== undefined) {
          const field = `documents[${index}].spec.executionContext.cluster`;
          await applyRunSettings(tx, saved.workflow, { executionCluster: cluster }, tenant.id, field);
        }
        if (manifest.spec.notification) {
          const field = `documents[${index}].spec.notification`;
          const target = { tenantId: tenant.id, workflowId: saved.workflow.id };
          await applyNotificationDocument(tx, this.deps.box, target, manifest.spec.notification, field);
        }
        workflowIds.set(manifest.spec.name, saved.workflow.id);
        note('Workflow', manifest.spec.name, 'WORKFLOW', saved.outcome);
      }
      for (const { index, manifest } of of('WorkflowTrigger')) {
        const workflowId =
          workflowIds.get(manifest.workflowRef) ??
          (await workflowsRepository.findByName(tx, project.id, manifest.workflowRef))?.id;
        if (!workflowId) {
          throw badInput(
            `documents[${index}].spec.workflowRef.name`,
            `no Workflow "${manifest.workflowRef}" in this file or in project "${project.name}"`,
          );
        }
        const field = (name: string) => `documents[${index}].spec.${TRIGGER_FIELDS[name] ?? name}`;
        const before = await tx.workflowTrigger.findUnique({
          where: { workflowId_name: { workflowId, name: manifest.spec.name } },
        });
        const { row, outcome } = await upsertTrigger(
          tx,
          { tenantId: tenant.id, workflowId },
          manifest.spec,
          field,
          'apply',
        );
        await hooks.register(tx, row, field('scm.repo'));
        await hooks.release(tx, before, field('scm.repo'));
        note('WorkflowTrigger', manifest.spec.name, 'WORKFLOW_TRIGGER', outcome);
      }
      const runScope = { projectId: project.id, projectName: project.name, actorId: actor.id };
      // Several runs in one transaction take the queue's turn first (see lockTenantQueue).
      if (of('WorkflowRun').length > 1) await lockTenantQueue(tx, tenant.id);
      for (const { index, manifest } of of('WorkflowRun')) {
        const run = await applyWorkflowRun(tx, runScope, index, manifest.spec, options.runObjectName);
        applied.push({ kind: 'WorkflowRun', name: manifest.spec.name, target: 'WORKFLOW_RUN', ...run });
      }
      return applied;
    });
  }
}

function parseDocuments(yaml: string): Manifest[] {
  const bytes = Buffer.byteLength(yaml, 'utf8');
  if (bytes > LIMITS.yamlBytes) {
    throw badInput(
      'input.yaml',
      `is ${bytes} bytes; at most ${LIMITS.yamlBytes} are accepted: split it into several applies`,
    );
  }
  const { documents, errors } = parseManifests(yaml);
  if (errors.length > 0) {
    const problems = errors.map((e) => ({ field: e.path, message: e.message }));
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
    throw new AppError('BAD_USER_INPUT', `${formatManifestError(errors[0] as (typeof errors)[number])}${more}`, {
      field: 'input.yaml',
      problems,
    });
  }
  if (documents.length === 0) throw badInput('input.yaml', 'contains no documents');
  return documents;
}

/** A Workflow document with its stages' full definitions: from this apply, else the project's stages. */
async function resolveWorkflow(
  tx: Tx,
  projectId: string,
  index: number,
  workflow: Extract<Manifest, { kind: 'Workflow' }>['spec'],
  applied: ReadonlyMap<string, StageDefinition>,
  ownStages: ReadonlyMap<string, StageDefinition> = new Map(),
) {
  const known = new Map(applied);
  for (const ref of workflow.stages) {
    if (known.has(ref.name)) continue;
    const stored = ownStages.get(ref.name) ?? (await loadStageDefinition(tx, projectId, ref.name));
    if (stored) known.set(ref.name, stored);
  }
  const { spec, missing } = joinWorkflow(workflow, (name) => known.get(name));
  if (missing.length > 0) {
    const i = workflow.stages.findIndex((s) => s.name === missing[0]);
    throw badInput(
      `documents[${index}].spec.stages[${i}].name`,
      `no Stage "${missing[0]}" in this file or in the project`,
    );
  }
  const parsed = workflowSpecSchema.safeParse(spec);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badInput(`documents[${index}].spec`, issue?.message ?? 'invalid');
  }
  const normalized = normalizeSpec(parsed.data);
  const fields = documentFieldNames(index);
  assertValidGraph(normalized, fields);
  await assertResourcesExist(tx, projectId, normalized, fields);
  await assertNoChildCycle(tx, projectId, workflow.name, normalized, fields);
  return normalized;
}
