import type { Tx } from '../shared/mutation.js';

/**
 * Where a resource is referenced: stages of the project, and the current version
 * of each workflow (versions hold full stage snapshots, so a resource deleted under
 * them would break the next run).
 */
export async function findResourceUsers(tx: Tx, projectId: string, name: string): Promise<string[]> {
  const stages = await tx.stage.findMany({ where: { projectId }, select: { name: true, spec: true } });
  const stageUsers = stages.filter((s) => specUsesResource(s.spec, name)).map((s) => `stage ${s.name}`);
  const asInput = JSON.stringify([{ inputs: { resources: [{ name }] } }]);
  const asOutput = JSON.stringify([{ outputs: { resources: [{ name }] } }]);
  const workflows = await tx.$queryRaw<{ name: string }[]>`
    SELECT w.name FROM workflows w
    JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.current_version
    WHERE w.project_id = ${projectId}::uuid
      AND (v.spec->'stages' @> ${asInput}::jsonb OR v.spec->'stages' @> ${asOutput}::jsonb)
    ORDER BY w.name`;
  return [...stageUsers, ...workflows.map((w) => `workflow ${w.name}`)];
}

function specUsesResource(spec: unknown, name: string): boolean {
  const s = spec as { inputs?: { resources?: { name: string }[] }; outputs?: { resources?: { name: string }[] } };
  return [...(s.inputs?.resources ?? []), ...(s.outputs?.resources ?? [])].some((r) => r.name === name);
}
