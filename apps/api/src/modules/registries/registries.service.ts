import { z } from 'zod';
import type { Db } from '../../db/prisma.js';
import { AppError, badInput, notFound } from '../../errors/app-error.js';
import type { Integration } from '../../generated/prisma/client.js';
import type { AuthUser } from '../identity/identity.service.js';
import { isRegistryType, registryClientFor } from '../integration-checks/check-integration.js';
import { CheckError, type CheckResult, hostOf, timed } from '../integration-checks/check-result.js';
import type { SecretBox } from '../integrations/secret-box.js';
import { requireProject, requireTenantRole } from '../shared/access.js';
import { parseInput } from '../shared/validate-input.js';
import { parseImageReference } from './image-reference.js';

const firstSchema = z.number().int().min(1).max(1000);
const repositorySchema = z
  .string()
  .max(255)
  .regex(/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/, {
    message: 'must be a repository name such as "team/app"',
  });

/**
 * Reads registries through their integrations (any tenant member who can see the
 * integration may list it; the credentials stay on the server). A registry that
 * fails answers BAD_USER_INPUT with the failed stage in `extensions.stage`.
 */
export class RegistriesService {
  constructor(private readonly deps: { db: Db; box: SecretBox; timeoutMs?: number }) {}

  async repositories(user: AuthUser, integrationId: string, first: number): Promise<string[]> {
    const limit = parseInput(firstSchema, first, 'first');
    const row = await this.loadRegistry(user, integrationId);
    const project =
      typeof (row.config as { project?: unknown }).project === 'string'
        ? (row.config as { project: string }).project
        : '';
    const all = await this.call(row, (client) =>
      client.listRepositories(Math.min(limit, 100), project ? 10 * limit : limit),
    );
    // A Harbor integration bound to one project lists only that project's repositories.
    return (project ? all.filter((name) => name.startsWith(`${project}/`)) : all).slice(0, limit);
  }

  async tags(user: AuthUser, integrationId: string, repository: string, first: number): Promise<string[]> {
    const limit = parseInput(firstSchema, first, 'first');
    const name = parseInput(repositorySchema, repository, 'repository');
    const row = await this.loadRegistry(user, integrationId);
    return this.call(row, (client) => client.listTags(name, Math.min(limit, 100), limit));
  }

  /**
   * Checks an IMAGE resource bound to a registry integration: the registry answers
   * and the image's tag (or digest) exists there.
   */
  async checkImageResource(user: AuthUser, tenant: string, projectName: string, name: string): Promise<CheckResult> {
    const { project } = await requireProject(this.deps.db, user, tenant, projectName, 'VIEWER');
    const resource = await this.deps.db.resource.findUnique({
      where: { projectId_name: { projectId: project.id, name } },
      include: { integration: true },
    });
    if (!resource) throw notFound(`resource "${name}" in project "${projectName}"`);
    if (resource.type !== 'IMAGE')
      throw badInput(
        'name',
        `resource "${name}" is ${resource.type}; only IMAGE resources are checked against a registry`,
      );
    const integration = resource.integration;
    if (!integration || !isRegistryType(integration.type)) {
      throw badInput(
        'name',
        `resource "${name}" has no DOCKER_REGISTRY, HARBOR or DOCKER_HUB integration to check against`,
      );
    }
    const image = ((resource.parameters as { name: string; value: string }[]) ?? []).find(
      (p) => p.name === 'IMAGE',
    )?.value;
    if (!image) throw badInput('name', `resource "${name}" has no IMAGE parameter`);
    const parsed = parseImageReference(image, integration.type === 'DOCKER_HUB');
    if (!parsed) throw badInput('name', `IMAGE "${image}" is not an image reference`);
    const registryHost = hostOf(String((integration.config as { server?: unknown }).server));
    return timed(registryHost, async () => {
      if (parsed.host && parsed.host !== registryHost) {
        throw new CheckError(
          'RESPONSE',
          `IMAGE "${image}" names registry ${parsed.host}, but integration "${integration.name}" is ${registryHost}`,
          'OTHER_REGISTRY',
        );
      }
      const client = registryClientFor(this.open(integration), this.deps.timeoutMs);
      if (!(await client.hasTag(parsed.repository, parsed.reference))) {
        throw new CheckError(
          'RESPONSE',
          `${registryHost} has no ${parsed.repository}:${parsed.reference}`,
          'TAG_NOT_FOUND',
        );
      }
      return `${registryHost} has ${parsed.repository}:${parsed.reference}`;
    });
  }

  private async loadRegistry(user: AuthUser, integrationId: string): Promise<Integration> {
    const row = await this.deps.db.integration.findUnique({ where: { id: integrationId }, include: { tenant: true } });
    if (!row) throw notFound('integration');
    await requireTenantRole(this.deps.db, user, row.tenant.name, 'VIEWER');
    if (!isRegistryType(row.type)) {
      throw badInput(
        'integration',
        `integration "${row.name}" is ${row.type}; registries are DOCKER_REGISTRY, HARBOR or DOCKER_HUB`,
      );
    }
    return row;
  }

  private async call<T>(
    row: Integration,
    action: (client: ReturnType<typeof registryClientFor>) => Promise<T>,
  ): Promise<T> {
    try {
      return await action(registryClientFor(this.open(row), this.deps.timeoutMs));
    } catch (error) {
      if (!(error instanceof CheckError)) throw error;
      throw new AppError(
        'BAD_USER_INPUT',
        `registry of integration "${row.name}" failed at ${error.stage}: ${error.message}`,
        {
          field: 'integration',
          stage: error.stage,
          reason: error.code,
        },
      );
    }
  }

  private open(row: Integration) {
    return {
      type: row.type,
      config: row.config as Record<string, unknown>,
      secret: this.deps.box.openJson(row.secretCiphertext),
    };
  }
}
