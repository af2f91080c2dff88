import type { ChildWorkflow, MatrixAxisSpec, StageApproval, StageDelegation } from '@cyclone/domain';
import DataLoader from 'dataloader';
import type { Db } from '../../db/prisma.js';
import { byKey } from '../shared/loader-keys.js';
import { toWorkflowSpec } from '../workflows/workflows.repository.js';

export interface RunDetails {
  parameters: { name: string; value: string }[];
  version: number;
  graph: {
    name: string;
    image: string;
    dependsOn: string[];
    trivial: boolean;
    finally: boolean;
    when?: string;
    approval?: StageApproval;
    workflow?: ChildWorkflow;
    delegation?: StageDelegation;
    matrix: MatrixAxisSpec[];
    matrixFrom?: string;
    maxParallel?: number;
  }[];
  projectName: string;
  tenantName: string;
}

/**
 * What a run view needs beyond the run row (its parameters, the DAG of its version and
 * where it lives), for a list of runs in one query. Keyed by run id, because list rows
 * of runs do not all carry versionId and parameters.
 */
export function createRunInsightLoaders(db: Db) {
  return {
    runDetailsById: new DataLoader(async (ids: readonly string[]) => {
      const rows = await db.workflowRun.findMany({
        where: { id: { in: [...ids] } },
        select: {
          id: true,
          parameters: true,
          version: { select: { version: true, spec: true } },
          workflow: { select: { project: { select: { name: true, tenant: { select: { name: true } } } } } },
        },
      });
      return byKey(ids, rows, (row) => row.id).map((row): RunDetails | undefined => {
        if (!row) return undefined;
        const spec = toWorkflowSpec(row.version.spec);
        return {
          parameters: Array.isArray(row.parameters) ? (row.parameters as RunDetails['parameters']) : [],
          version: row.version.version,
          graph: spec.stages.map((stage) => ({
            name: stage.name,
            image: stage.image,
            dependsOn: stage.dependsOn ?? [],
            trivial: stage.trivial ?? false,
            finally: stage.finally ?? false,
            ...(stage.when !== undefined ? { when: stage.when } : {}),
            ...(stage.approval ? { approval: stage.approval } : {}),
            ...(stage.workflow ? { workflow: stage.workflow } : {}),
            ...(stage.delegation ? { delegation: stage.delegation } : {}),
            matrix: stage.matrix,
            ...(stage.matrixFrom !== undefined ? { matrixFrom: stage.matrixFrom } : {}),
            ...(stage.maxParallel !== undefined ? { maxParallel: stage.maxParallel } : {}),
          })),
          projectName: row.workflow.project.name,
          tenantName: row.workflow.project.tenant.name,
        };
      });
    }),
  };
}
