'use client';

import { PreflightWorkflowDocument } from '@cyclone/api-contract';
import { useMutation } from '@tanstack/react-query';
import { AlertIcon, CheckIcon } from '@/components/icons';
import { Button } from '@/components/ui/button';
import { useT } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import type { StageInput } from '../model/serialize';
import styles from './editor.module.css';

/**
 * Preflight of the workflow as it stands in the editor, saved or not: asks the API what
 * would stop a run (images in their registries, secrets, Git revisions, the cluster) and
 * lists it, failures first; a click on a stage's line selects the stage.
 */
export function PreflightPanel({
  tenant,
  project,
  workflow,
  draft,
  onSelect,
}: {
  tenant: string;
  project: string;
  workflow: string;
  /** The editor's stages and variables now (read when the check runs). */
  draft: () => { stages: StageInput[]; globalVariables: { name: string; value: string }[] };
  onSelect: (stage: string) => void;
}) {
  const t = useT();
  const preflight = useMutation({
    mutationFn: () => request(PreflightWorkflowDocument, { tenant, project, workflow, ...draft() }),
  });
  const checks = [...(preflight.data?.preflightWorkflow ?? [])].sort((a, b) => Number(a.ok) - Number(b.ok));
  const failed = checks.filter((check) => !check.ok).length;
  return (
    <section className={styles.preflight} aria-label={t('editor.preflight.title')}>
      <div className={styles.preflightHeader}>
        <h2 className={styles.panelTitle}>{t('editor.preflight.title')}</h2>
        <Button size="sm" variant="ghost" onClick={() => preflight.mutate()} loading={preflight.isPending}>
          {t('editor.preflight.run')}
        </Button>
      </div>
      {preflight.error ? (
        <p className={styles.bad} role="alert">
          {preflight.error instanceof Error ? preflight.error.message : String(preflight.error)}
        </p>
      ) : null}
      {preflight.data ? (
        <>
          <p className={styles.preflightSummary} data-testid="preflight-summary">
            {failed === 0
              ? t('editor.preflight.allOk', { count: checks.length })
              : t('editor.preflight.failed', { failed, count: checks.length })}
          </p>
          <ul className={styles.issueList}>
            {checks.map((check, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the list is replaced as a whole
              <li key={index} data-ok={check.ok} data-testid="preflight-check">
                <button
                  type="button"
                  className={styles.issueButton}
                  disabled={!check.stage}
                  onClick={() => check.stage && onSelect(check.stage)}
                >
                  {check.ok ? (
                    <CheckIcon size={12} className={styles.ok} />
                  ) : (
                    <AlertIcon size={12} className={styles.bad} />
                  )}{' '}
                  <strong>{check.stage ?? t('editor.preflight.workflow')}</strong> · {check.check}: {check.message}
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className={styles.preflightSummary}>{t('editor.preflight.hint')}</p>
      )}
    </section>
  );
}
