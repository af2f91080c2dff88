/**
 * Mutations that never change users, memberships, sessions or API tokens. After one
 * of them this process keeps its cached credentials; after any other it drops them at
 * once, so that its caller's next request reads its own identity change (other
 * processes drop them on the database's notification). A mutation missing here only
 * costs a credential re-read; one wrongly here would keep a revoked credential for the
 * moment the notification takes, so only run steering belongs here: it is the burst
 * path (every trigger submits through runWorkflow).
 */
const CREDENTIAL_KEEPING_MUTATIONS: ReadonlySet<string> = new Set([
  'runWorkflow',
  'retryWorkflowRun',
  'stopWorkflowRun',
  'pauseWorkflowRun',
  'resumeWorkflowRun',
  'approveWorkflowRun',
  'approveStage',
  'rejectStage',
  'completeDelegatedStage',
]);

/** Whether a mutation with these root fields may have changed who is signed in or what they may do. */
export function mayChangeCredentials(rootFields: readonly string[] | undefined): boolean {
  return rootFields === undefined || !rootFields.every((field) => CREDENTIAL_KEEPING_MUTATIONS.has(field));
}
