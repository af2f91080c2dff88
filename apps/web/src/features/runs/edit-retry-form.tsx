'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useId, useMemo, useState } from 'react';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/text-field';
import { WorkflowVersionsDocument } from '@/features/dag-editor/editor/editor.documents';
import { useI18n } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { ActionError } from './action-error';
import { editsOf, fromApiStage, overrideOf, runsScript, type StageEdits } from './edit-retry';
import { RetryRunDocument, type Run, runHref } from './runs.documents';
import styles from './runs.module.css';

/**
 * Heals a failed run in place: the failed stage as the run's version had it, with its
 * image, command, arguments and environment editable; the retry runs it (and what
 * follows) changed and reuses what came before. "Save as a new version" makes the change
 * the workflow's current version too.
 */
export function EditRetryForm({ run, stage, onCancel }: { run: Run; stage: string; onCancel: () => void }) {
  const { t } = useI18n();
  const router = useRouter();
  const ids = useId();
  const versions = useQuery({
    queryKey: [...queryKeys.workflows.detail(run.tenantName, run.projectName, run.workflow.name), 'versions'],
    queryFn: ({ signal }) =>
      request(
        WorkflowVersionsDocument,
        { tenant: run.tenantName, project: run.projectName, name: run.workflow.name },
        { signal },
      ),
  });
  const original = useMemo(() => {
    const version = versions.data?.workflow?.versions.find((v) => v.version === run.workflowVersion);
    const found = version?.stages.find((s) => s.name === stage);
    return found ? fromApiStage(found) : undefined;
  }, [versions.data, run.workflowVersion, stage]);
  const [edits, setEdits] = useState<StageEdits>();
  const [saveAsNewVersion, setSaveAsNewVersion] = useState(false);
  const shown = edits ?? (original ? editsOf(original) : undefined);
  const retry = useMutation({
    mutationFn: async () => {
      if (!original || !shown) throw new Error('the stage is not loaded yet');
      const { retryWorkflowRun } = await request(RetryRunDocument, {
        id: run.id,
        overrides: [overrideOf(original, shown)],
        saveAsNewVersion,
      });
      return retryWorkflowRun;
    },
    onSuccess: (created) => router.push(runHref(created)),
  });

  if (!original || !shown) return <p className={styles.muted}>{t('runs.heal.loading')}</p>;
  const change = (field: keyof StageEdits) => (event: { target: { value: string } }) =>
    setEdits({ ...shown, [field]: event.target.value });
  return (
    <form
      className={styles.healForm}
      aria-label={t('runs.heal.title', { stage })}
      onSubmit={(event) => {
        event.preventDefault();
        retry.mutate();
      }}
    >
      <p className={styles.muted}>{t('runs.heal.body')}</p>
      <TextField label={t('runs.heal.image')} value={shown.image} onChange={change('image')} required />
      <label className={styles.healField} htmlFor={`${ids}-command`}>
        {t('runs.heal.command')}
        <textarea id={`${ids}-command`} rows={2} value={shown.command} onChange={change('command')} />
      </label>
      <label className={styles.healField} htmlFor={`${ids}-args`}>
        {runsScript(original) ? t('runs.heal.script') : t('runs.heal.args')}
        <textarea id={`${ids}-args`} rows={5} value={shown.args} onChange={change('args')} />
      </label>
      <label className={styles.healField} htmlFor={`${ids}-env`}>
        {t('runs.heal.env')}
        <textarea id={`${ids}-env`} rows={3} value={shown.env} onChange={change('env')} />
      </label>
      <label className={styles.toggle}>
        <input
          type="checkbox"
          checked={saveAsNewVersion}
          onChange={(event) => setSaveAsNewVersion(event.target.checked)}
        />
        {t('runs.heal.saveAsNewVersion')}
      </label>
      <ActionError error={retry.error} />
      <div className={styles.healActions}>
        <Button type="submit" variant="primary" size="sm" loading={retry.isPending}>
          {t('runs.heal.submit')}
        </Button>
        <Button type="button" variant="ghost" size="sm" onClick={onCancel}>
          {t('common.cancel')}
        </Button>
      </div>
    </form>
  );
}
