'use client';

import { PreflightWorkflowDocument } from '@cyclone/api-contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { type FormEvent, useRef, useState } from 'react';
import { RunIcon } from '@/components/icons';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/text-field';
import { useT } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { ActionError } from './action-error';
import { errorMessage } from './error-message';
import { type VolumeRow, volumesInput } from './run-presets';
import { RunPresetsFields } from './run-presets-fields';
import { runHref, StartRunDocument, WorkflowForRunDocument } from './runs.documents';
import styles from './runs.module.css';

export function useWorkflowForRun(tenant: string | undefined, project: string, workflow: string) {
  return useQuery({
    queryKey: [...queryKeys.workflows.detail(tenant ?? '', project, workflow), 'for-run'],
    enabled: Boolean(tenant),
    queryFn: ({ signal }) =>
      request(WorkflowForRunDocument, { tenant: tenant as string, project, name: workflow }, { signal }),
    select: (data) => data.workflow,
  });
}

/**
 * The workflow's Run button: a form with one field per global variable (its value as the
 * default), an optional timeout and acceleration (the workflow's setting by default); starting opens the new run's dashboard. Only changed
 * values are sent, as run parameters `variables.NAME`.
 */
export function StartRunButton({ tenant, project, workflow }: { tenant: string; project: string; workflow: string }) {
  const t = useT();
  const router = useRouter();
  const queryClient = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  const [timeout, setTimeoutText] = useState('');
  // Undefined until changed: the workflow's setting (read again after the editor saves it).
  const [accelerationChoice, setAcceleration] = useState<boolean>();
  const [serviceAccount, setServiceAccount] = useState('');
  const [volumes, setVolumes] = useState<VolumeRow[]>([]);
  const { data: definition } = useWorkflowForRun(tenant, project, workflow);
  const acceleration = accelerationChoice ?? definition?.acceleration ?? false;
  const variables = definition?.globalVariables ?? [];

  // Changed values only, as `variables.NAME` (which overrides the global variable NAME).
  const parametersOf = (given: Record<string, string>) =>
    variables
      .filter((v) => (given[v.name] ?? v.value) !== v.value)
      .map((v) => ({ name: `variables.${v.name}`, value: given[v.name] as string }));
  // Asked when the dialog opens and on request: what would stop the run (it may start anyway).
  const preflight = useMutation({
    mutationFn: (given: Record<string, string>) =>
      request(PreflightWorkflowDocument, { tenant, project, workflow, parameters: parametersOf(given) }),
  });
  const failedChecks = (preflight.data?.preflightWorkflow ?? []).filter((check) => !check.ok);

  const start = useMutation({
    mutationFn: () =>
      request(StartRunDocument, {
        input: {
          tenant,
          project,
          workflow,
          parameters: parametersOf(values),
          ...(timeout.trim() ? { timeout: timeout.trim() } : {}),
          // Sent only when it differs from the workflow's setting, which a run takes by default.
          ...(accelerationChoice !== undefined && accelerationChoice !== definition?.acceleration
            ? { acceleration: accelerationChoice }
            : {}),
          ...(serviceAccount.trim() ? { serviceAccount: serviceAccount.trim() } : {}),
          ...(volumesInput(volumes).length > 0 ? { volumes: volumesInput(volumes) } : {}),
        },
      }),
    onSuccess: ({ runWorkflow: run }) => {
      queryClient.setQueryData(queryKeys.runs.detail(run.id), { workflowRun: run });
      void queryClient.invalidateQueries({ queryKey: queryKeys.runs.lists });
      dialog.current?.close();
      router.push(runHref(run));
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    start.mutate();
  };

  return (
    <>
      <Button
        variant="primary"
        icon={<RunIcon size={14} />}
        onClick={() => {
          start.reset();
          const defaults = Object.fromEntries(variables.map((v) => [v.name, v.value]));
          setValues(defaults);
          preflight.mutate(defaults);
          setAcceleration(undefined);
          setServiceAccount('');
          setVolumes([]);
          dialog.current?.showModal();
        }}
      >
        {t('runs.start.button')}
      </Button>
      <dialog ref={dialog} className={styles.dialog} aria-labelledby="start-run-title">
        <form onSubmit={submit} className={styles.dialogForm}>
          <h2 id="start-run-title" className={styles.dialogTitle}>
            {t('runs.start.title', { workflow })}
          </h2>
          {variables.length ? (
            <fieldset className={styles.fieldset}>
              <legend>{t('runs.start.parameters')}</legend>
              {variables.map((variable) => (
                <TextField
                  key={variable.name}
                  label={variable.name}
                  value={values[variable.name] ?? variable.value}
                  onChange={(event) => setValues((current) => ({ ...current, [variable.name]: event.target.value }))}
                  hint={t('runs.start.defaultHint', { value: variable.value || '""' })}
                />
              ))}
            </fieldset>
          ) : (
            <p className={styles.muted}>{t('runs.start.noParameters')}</p>
          )}
          <TextField
            label={t('runs.start.timeout')}
            hint={t('runs.start.timeoutHint')}
            value={timeout}
            onChange={(event) => setTimeoutText(event.target.value)}
            placeholder="30m"
          />
          <label className={styles.checkboxField}>
            <input type="checkbox" checked={acceleration} onChange={(event) => setAcceleration(event.target.checked)} />
            <span>
              {t('runs.start.acceleration')}
              <span className={styles.muted}>
                {' — '}
                {t('runs.start.accelerationHint', {
                  setting: t(definition?.acceleration ? 'runs.start.on' : 'runs.start.off'),
                })}
              </span>
            </span>
          </label>
          <RunPresetsFields
            serviceAccount={serviceAccount}
            onServiceAccount={setServiceAccount}
            volumes={volumes}
            onVolumes={setVolumes}
          />
          <section className={styles.fieldset} aria-label={t('runs.start.preflight')} data-testid="run-preflight">
            <p className={styles.muted}>
              {preflight.isPending
                ? t('runs.start.preflightRunning')
                : preflight.error
                  ? errorMessage(preflight.error, t)
                  : preflight.data
                    ? failedChecks.length === 0
                      ? t('runs.start.preflightOk', { count: preflight.data.preflightWorkflow.length })
                      : t('runs.start.preflightFailed', {
                          failed: failedChecks.length,
                          count: preflight.data.preflightWorkflow.length,
                        })
                    : null}{' '}
              <button type="button" className={styles.linkButton} onClick={() => preflight.mutate(values)}>
                {t('runs.start.preflightAgain')}
              </button>
            </p>
            {failedChecks.length > 0 ? (
              <ul className={styles.preflightList}>
                {failedChecks.map((check) => (
                  <li key={`${check.stage ?? ''}:${check.check}:${check.message}`}>
                    <strong>{check.stage ?? t('runs.start.preflightWorkflow')}</strong> · {check.check}: {check.message}
                  </li>
                ))}
              </ul>
            ) : null}
          </section>
          <ActionError error={start.error} />
          <div className={styles.dialogActions}>
            <Button onClick={() => dialog.current?.close()}>{t('runs.start.cancel')}</Button>
            <Button type="submit" variant="primary" loading={start.isPending}>
              {t('runs.start.submit')}
            </Button>
          </div>
        </form>
      </dialog>
    </>
  );
}
