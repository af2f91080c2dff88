import type { NameValue } from '@cyclone/domain';
import type { Db } from '../../db/prisma.js';
import { notFound } from '../../errors/app-error.js';
import type { Integration } from '../../generated/prisma/client.js';
import type { AuthUser } from '../identity/identity.service.js';
import {
  checkIntegration,
  DEFAULT_CHECK_TIMEOUT_MS,
  isRegistryType,
  registryClientFor,
} from '../integration-checks/check-integration.js';
import { CheckError, hostOf } from '../integration-checks/check-result.js';
import { gitRefExists } from '../integration-checks/command-check.js';
import type { SecretBox } from '../integrations/secret-box.js';
import { parseImageReference } from '../registries/image-reference.js';
import { repositoryCredentials } from '../resources/repository-credentials.js';
import { openResourceSecrets, withSecretValues } from '../resources/resource-secrets.js';
import { requireProject } from '../shared/access.js';
import { toWorkflowSpec, type WorkflowInputShape } from '../workflows/workflows.inputs.js';
import { workflowsRepository } from '../workflows/workflows.repository.js';
import {
  conditionChecks,
  type PreflightCheck,
  resolvedImage,
  resourceChecks,
  runVariables,
  secretChecks,
} from './preflight.rules.js';

/** A commit id: ls-remote lists refs, not commits, so it cannot be checked there. */
const COMMIT_ID = /^[0-9a-f]{7,40}$/i;

/**
 * `preflightWorkflow`: what would stop a run of the workflow's current version before
 * it starts, asked of the systems it names (registries, repositories, the cluster)
 * through the outbound policy, with the integrations' credentials on the server. Reads
 * only: nothing is written. Checks that cannot be made say why (`ok` stays true).
 */
export class PreflightService {
  constructor(private readonly deps: { db: Db; box: SecretBox; timeoutMs?: number }) {}

  /**
   * With `draft` (the editor's unsaved stages and variables), the draft is checked in
   * place of the current version, and the workflow need not be saved yet; a draft the
   * schema refuses is BAD_USER_INPUT naming `input.stages[i]…`.
   */
  async preflight(
    user: AuthUser,
    input: {
      tenant: string;
      project: string;
      workflow: string;
      parameters?: readonly NameValue[] | null;
      draft?: Pick<WorkflowInputShape, 'stages' | 'globalVariables'> | null;
    },
  ): Promise<PreflightCheck[]> {
    const { db } = this.deps;
    const { tenant, project } = await requireProject(db, user, input.tenant, input.project, 'VIEWER');
    const workflow = await db.workflow.findUnique({
      where: { projectId_name: { projectId: project.id, name: input.workflow } },
    });
    if (!workflow && !input.draft) throw notFound(`workflow "${input.workflow}" in project "${project.name}"`);
    const spec = input.draft
      ? toWorkflowSpec({ tenant: input.tenant, project: input.project, name: input.workflow, ...input.draft }).spec
      : await workflowsRepository.currentSpec(db, workflow as NonNullable<typeof workflow>);
    const [integrations, resources] = await Promise.all([
      db.integration.findMany({ where: { tenantId: tenant.id } }),
      db.resource.findMany({ where: { projectId: project.id }, include: { integration: true } }),
    ]);
    const variables = runVariables(spec, input.parameters ?? []);
    const parameters = new Map((input.parameters ?? []).map((p) => [p.name, p.value]));
    return [
      ...conditionChecks(spec),
      ...secretChecks(spec, new Map(integrations.map((row) => [row.name, row.secretKeys]))),
      ...resourceChecks(spec, new Set(resources.map((row) => row.name))),
      // Approval and child-workflow stages run no image of their own.
      ...(await this.imageChecks(
        spec.stages.filter((stage) => stage.image !== ''),
        variables,
        integrations,
      )),
      ...(await this.gitRefChecks(spec, resources, parameters)),
      ...(await this.clusterCheck(workflow?.executionCluster ?? null, integrations)),
    ];
  }

  private get timeoutMs(): number {
    return this.deps.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  }

  private open(row: Integration) {
    return {
      type: row.type,
      config: row.config as Record<string, unknown>,
      secret: this.deps.box.openJson(row.secretCiphertext),
    };
  }

  /** Each stage's image, asked of its registry once however many stages share it. */
  private async imageChecks(
    stages: readonly { name: string; image: string }[],
    variables: readonly NameValue[],
    integrations: readonly Integration[],
  ): Promise<PreflightCheck[]> {
    const asked = new Map<string, Promise<PreflightCheck>>();
    return Promise.all(
      stages.map(async (stage) => {
        let answer = asked.get(stage.image);
        if (!answer) {
          answer = this.imageCheck(stage.image, variables, integrations);
          asked.set(stage.image, answer);
        }
        return { ...(await answer), stage: stage.name };
      }),
    );
  }

  /** The image exists in the registry integration of its host, if the tenant has one. */
  private async imageCheck(
    image: string,
    variables: readonly NameValue[],
    integrations: readonly Integration[],
  ): Promise<PreflightCheck> {
    const result = (ok: boolean, message: string): PreflightCheck => ({ stage: null, check: 'IMAGE', ok, message });
    const resolved = resolvedImage(image, variables);
    if (resolved === null) return result(true, `not checked: image "${image}" is only known when the run starts`);
    const parsed = parseImageReference(resolved);
    if (!parsed) return result(false, `"${resolved}" is not an image reference`);
    const host = parsed.host ?? 'docker.io';
    const registry = integrations.find(
      (row) =>
        isRegistryType(row.type) &&
        (row.type === 'DOCKER_HUB'
          ? host === 'docker.io'
          : hostOf(String((row.config as { server?: unknown }).server)) === host),
    );
    if (!registry) return result(true, `not checked: no registry integration of the tenant serves ${host}`);
    try {
      const client = registryClientFor(this.open(registry), this.timeoutMs);
      const reference = `${parsed.repository}:${parsed.reference}`;
      return (await client.hasTag(parsed.repository, parsed.reference))
        ? result(true, `${host} has ${reference} (integration "${registry.name}")`)
        : result(false, `${host} has no ${reference} (integration "${registry.name}")`);
    } catch (error) {
      if (!(error instanceof CheckError)) throw error;
      return result(
        false,
        `registry ${host} (integration "${registry.name}") failed at ${error.stage}: ${error.message}`,
      );
    }
  }

  /** Each GIT resource a stage takes: its SCM_REVISION (a run parameter wins) is a ref of the repository. */
  private async gitRefChecks(
    spec: { stages: { name: string; inputs: { resources: { name: string }[] } }[] },
    resources: readonly (Awaited<ReturnType<Db['resource']['findMany']>>[number] & {
      integration: Integration | null;
    })[],
    parameters: ReadonlyMap<string, string>,
  ): Promise<PreflightCheck[]> {
    const checks: PreflightCheck[] = [];
    const used = new Set(spec.stages.flatMap((stage) => stage.inputs.resources.map((resource) => resource.name)));
    for (const row of resources) {
      if (row.type !== 'GIT' || !used.has(row.name)) continue;
      const result = (ok: boolean, message: string): PreflightCheck => ({ stage: null, check: 'GIT_REF', ok, message });
      const values = new Map(
        withSecretValues(
          (row.parameters ?? []) as NameValue[],
          openResourceSecrets(this.deps.box, row.secretCiphertext),
        ).map((p) => [p.name, p.value]),
      );
      const url = values.get('SCM_URL');
      const ref = parameters.get(`resources.${row.name}.SCM_REVISION`) ?? values.get('SCM_REVISION') ?? '';
      if (!url) {
        checks.push(result(false, `resource "${row.name}": SCM_URL is not set`));
        continue;
      }
      if (!ref) {
        checks.push(result(true, `resource "${row.name}": no SCM_REVISION, the default branch is cloned`));
        continue;
      }
      if (COMMIT_ID.test(ref)) {
        checks.push(result(true, `not checked: resource "${row.name}" pins commit ${ref}`));
        continue;
      }
      const auth = repositoryCredentials('Git', values, row.integration ? this.open(row.integration) : undefined);
      try {
        const exists = await gitRefExists({ server: url, ...auth, timeoutMs: this.timeoutMs }, ref);
        checks.push(
          exists
            ? result(true, `resource "${row.name}": ${hostOf(url)} has ref ${ref}`)
            : result(false, `resource "${row.name}": ${hostOf(url)} has no branch, tag or ref "${ref}"`),
        );
      } catch (error) {
        if (!(error instanceof CheckError)) throw error;
        checks.push(result(false, `resource "${row.name}": ${hostOf(url)} failed at ${error.stage}: ${error.message}`));
      }
    }
    return checks;
  }

  /** The worker cluster the workflow's runs use answers, when it has one. */
  private async clusterCheck(name: string | null, integrations: readonly Integration[]): Promise<PreflightCheck[]> {
    if (!name) return [];
    const row = integrations.find((integration) => integration.name === name && integration.type === 'KUBERNETES');
    if (!row) {
      return [
        { stage: null, check: 'CLUSTER', ok: false, message: `the tenant has no KUBERNETES integration "${name}"` },
      ];
    }
    const checked = await checkIntegration(this.open(row), this.timeoutMs);
    return [
      {
        stage: null,
        check: 'CLUSTER',
        ok: checked.ok,
        message: checked.ok ? `cluster "${name}": ${checked.message}` : `cluster "${name}" failed: ${checked.message}`,
      },
    ];
  }
}
