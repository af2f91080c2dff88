'use client';

import { StatusBadge } from '@/components/ui/status-badge';
import { useI18n } from '@/i18n/i18n-provider';
import { combinationText } from './matrix-progress';
import type { Run, StageRun } from './runs.documents';
import styles from './runs.module.css';

/**
 * The matrix part of the stage drawer: a matrix stage lists its combinations (each
 * opens its own drawer and log); a combination shows its values and leads back.
 */
export function MatrixPanel({
  stage,
  run,
  isMatrix,
  onSelectStage,
}: {
  stage: StageRun;
  run: Run;
  isMatrix: boolean;
  onSelectStage: (stage: string) => void;
}) {
  const { t } = useI18n();
  if (stage.matrixOf) {
    return (
      <p className={styles.message} data-testid={`combination-${stage.name}`}>
        {t('runs.matrix.combination', { values: combinationText(stage.matrix) })}{' '}
        <button type="button" className={styles.linkButton} onClick={() => onSelectStage(stage.matrixOf as string)}>
          {t('runs.matrix.back', { stage: stage.matrixOf })}
        </button>
      </p>
    );
  }
  if (!isMatrix) return null;
  const combinations = run.stages.filter((s) => s.matrixOf === stage.name);
  return (
    <section aria-labelledby="stage-combinations">
      <h3 id="stage-combinations" className={styles.subTitle}>
        {t('runs.matrix.title', { count: combinations.length })}
      </h3>
      {combinations.length === 0 ? (
        <p className={styles.muted}>{t('runs.matrix.none')}</p>
      ) : (
        <ul className={styles.combinations} data-testid={`combinations-${stage.name}`}>
          {combinations.map((combination) => (
            <li key={combination.name}>
              <button type="button" className={styles.linkButton} onClick={() => onSelectStage(combination.name)}>
                {combination.name}
              </button>
              <span className={styles.muted}>{combinationText(combination.matrix)}</span>
              <StatusBadge phase={combination.phase} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
