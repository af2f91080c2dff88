import type { IntegrationCheckStage, IntegrationTestResult } from './integrations.documents';

const STAGES: readonly IntegrationCheckStage[] = ['DNS', 'CONNECT', 'TLS', 'AUTH', 'RESPONSE'];

export type StepState = 'passed' | 'failed' | 'skipped';

/** Which checks passed, which one failed and which never ran, for the stepper. */
export function checkSteps(
  result: IntegrationTestResult,
  usesTls: boolean,
): { stage: IntegrationCheckStage; state: StepState }[] {
  const failedAt = result.ok ? -1 : STAGES.indexOf(result.stage);
  return STAGES.map((stage, index) => {
    if (stage === 'TLS' && !usesTls) return { stage, state: 'skipped' };
    if (result.ok || index < failedAt) return { stage, state: 'passed' };
    return { stage, state: index === failedAt ? 'failed' : 'skipped' };
  });
}
