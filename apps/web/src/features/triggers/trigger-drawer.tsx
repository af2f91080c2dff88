'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useEffect, useMemo, useState } from 'react';
import { Button, RemoveRowButton } from '@/components/ui/button';
import formStyles from '@/components/ui/drawer-form.module.css';
import { FormDrawer } from '@/components/ui/form-drawer';
import { TextField } from '@/components/ui/text-field';
import { SCM_TYPES } from '@/features/integrations/integration-forms';
import { CheckboxField, CopyableValue, FormError, SelectField, TextAreaField } from '@/features/settings/form-controls';
import { useT } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { CronPreview } from './cron-preview';
import { RepositoryPicker } from './repository-picker';
import {
  BLANK_TRIGGER,
  fromTrigger,
  type TriggerFormValues,
  timeZoneNames,
  toTriggerInput,
  webhookTriggerPath,
} from './trigger-form';
import {
  type ConcurrencyPolicy,
  CreateTriggerDocument,
  type TriggerRow,
  type TriggerType,
  UpdateTriggerDocument,
} from './triggers.documents';
import styles from './triggers.module.css';

const TYPES: readonly TriggerType[] = ['CRON', 'SCM', 'WEBHOOK'];
const POLICIES: readonly ConcurrencyPolicy[] = ['ALLOW', 'FORBID', 'REPLACE'];

export interface WorkflowRef {
  tenant: string;
  project: string;
  workflow: string;
}

/** Creates or edits one trigger: CRON with its next fire times, SCM with its webhook URL, WEBHOOK. */
export function TriggerDrawer({
  workflowRef,
  open,
  trigger,
  integrations,
  onClose,
  onSaved,
}: {
  workflowRef: WorkflowRef;
  open: boolean;
  trigger?: TriggerRow;
  integrations: readonly { name: string; type: string }[];
  onClose: () => void;
  onSaved: (saved: TriggerRow) => void;
}) {
  const t = useT();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<TriggerFormValues>(BLANK_TRIGGER);
  const zones = useMemo(timeZoneNames, []);
  const scmIntegrations = integrations.filter((i) => (SCM_TYPES as readonly string[]).includes(i.type));

  // Only when the drawer opens or switches trigger: later list refreshes must not reset typing.
  // biome-ignore lint/correctness/useExhaustiveDependencies: see above
  useEffect(() => {
    if (!open) return;
    setValues(trigger ? fromTrigger(trigger) : { ...BLANK_TRIGGER, integration: scmIntegrations[0]?.name ?? '' });
  }, [open, trigger]);

  const save = useMutation({
    mutationFn: async (form: TriggerFormValues) => {
      const input = toTriggerInput(form, workflowRef);
      if (trigger) {
        const data = await request(UpdateTriggerDocument, { input });
        return data.updateWorkflowTrigger;
      }
      const data = await request(CreateTriggerDocument, { input });
      return data.createWorkflowTrigger;
    },
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({
        queryKey: queryKeys.triggers.all(workflowRef.tenant, workflowRef.project, workflowRef.workflow),
      });
      onSaved(saved);
    },
  });

  const set = <K extends keyof TriggerFormValues>(key: K, value: TriggerFormValues[K]) =>
    setValues((current) => ({ ...current, [key]: value }));
  const setParameter = (index: number, patch: Partial<TriggerFormValues['parameters'][number]>) =>
    set(
      'parameters',
      values.parameters.map((p, i) => (i === index ? { ...p, ...patch } : p)),
    );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(values);
  };
  const origin = typeof window === 'undefined' ? '' : window.location.origin;

  return (
    <FormDrawer
      open={open}
      width="34rem"
      title={trigger ? t('triggers.drawer.editTitle', { name: trigger.name }) : t('triggers.drawer.addTitle')}
      onClose={onClose}
      submitLabel={trigger ? t('triggers.drawer.save') : t('triggers.drawer.create')}
      onSubmit={submit}
      busy={save.isPending}
    >
      <TextField
        label={t('triggers.field.name')}
        value={values.name}
        disabled={Boolean(trigger)}
        onChange={(event) => set('name', event.target.value)}
        required
        autoComplete="off"
      />
      <SelectField
        label={t('triggers.field.type')}
        value={values.type}
        onChange={(event) => set('type', event.target.value as TriggerType)}
        hint={t(`triggers.typeHint.${values.type}`)}
        options={TYPES.map((type) => ({ value: type, label: t(`triggers.type.${type}`) }))}
      />
      <CheckboxField label={t('triggers.field.enabled')} checked={values.enabled} onChange={(v) => set('enabled', v)} />

      {values.type === 'CRON' ? (
        <>
          <TextField
            label={t('triggers.field.cron')}
            className={styles.cronField}
            value={values.cron}
            onChange={(event) => set('cron', event.target.value)}
            hint={t('triggers.cron.hint')}
            spellCheck={false}
            autoComplete="off"
          />
          <TextField
            label={t('triggers.field.timezone')}
            value={values.timezone}
            onChange={(event) => set('timezone', event.target.value)}
            hint={t('triggers.timezoneHint')}
            list="trigger-time-zones"
            spellCheck={false}
            autoComplete="off"
          />
          <datalist id="trigger-time-zones">
            {zones.map((zone) => (
              <option key={zone} value={zone} />
            ))}
          </datalist>
          <CronPreview expression={values.cron} timezone={values.timezone} id="cron-preview" />
          <SelectField
            label={t('triggers.field.concurrency')}
            value={values.concurrencyPolicy}
            onChange={(event) => set('concurrencyPolicy', event.target.value as ConcurrencyPolicy)}
            hint={t(`triggers.policyHint.${values.concurrencyPolicy}`)}
            options={POLICIES.map((policy) => ({ value: policy, label: t(`triggers.policy.${policy}`) }))}
          />
          <TextField
            label={t('triggers.field.deadline')}
            type="number"
            min={1}
            value={values.startingDeadlineSeconds}
            onChange={(event) => set('startingDeadlineSeconds', event.target.value)}
            hint={t('triggers.deadlineHint')}
          />
        </>
      ) : null}

      {values.type === 'SCM' ? (
        <>
          {scmIntegrations.length === 0 ? (
            <p className={styles.error} role="alert">
              {t('triggers.scm.noIntegration')}
            </p>
          ) : null}
          <SelectField
            label={t('triggers.field.integration')}
            value={values.integration}
            onChange={(event) => set('integration', event.target.value)}
            options={[
              { value: '', label: t('triggers.scm.pickIntegration') },
              ...scmIntegrations.map((i) => ({
                value: i.name,
                label: `${i.name} (${t(`integrations.type.${i.type}` as 'integrations.type.GIT')})`,
              })),
            ]}
          />
          <RepositoryPicker
            tenant={workflowRef.tenant}
            integration={values.integration}
            value={values.repo}
            onChange={(repo) => set('repo', repo)}
          />
          {trigger?.webhookUrl ? (
            <div className={styles.webhook}>
              <p className={formStyles.groupTitle}>{t('triggers.scm.webhookUrl')}</p>
              <CopyableValue value={`${origin}${trigger.webhookUrl}`} label={t('triggers.copyWebhook')} />
              <p className={styles.muted}>{t('triggers.scm.webhookHint')}</p>
            </div>
          ) : (
            <p className={styles.muted}>{t('triggers.scm.webhookAfterSave')}</p>
          )}
          <h3 className={formStyles.groupTitle}>{t('triggers.scm.events')}</h3>
          <EventGroup label={t('triggers.scm.onPush')} checked={values.onPush} onChange={(v) => set('onPush', v)}>
            <TextField
              label={t('triggers.scm.pushBranches')}
              value={values.pushBranches}
              onChange={(event) => set('pushBranches', event.target.value)}
              hint={t('triggers.scm.branchesHint')}
              autoComplete="off"
            />
          </EventGroup>
          <EventGroup
            label={t('triggers.scm.tagRelease')}
            checked={values.tagRelease}
            onChange={(v) => set('tagRelease', v)}
          />
          <EventGroup
            label={t('triggers.scm.onPullRequest')}
            checked={values.onPullRequest}
            onChange={(v) => set('onPullRequest', v)}
          >
            <TextField
              label={t('triggers.scm.pullRequestBranches')}
              value={values.pullRequestBranches}
              onChange={(event) => set('pullRequestBranches', event.target.value)}
              hint={t('triggers.scm.branchesHint')}
              autoComplete="off"
            />
          </EventGroup>
          <EventGroup
            label={t('triggers.scm.onComment')}
            checked={values.onComment}
            onChange={(v) => set('onComment', v)}
          >
            <TextAreaField
              label={t('triggers.scm.comments')}
              rows={3}
              value={values.comments}
              onChange={(event) => set('comments', event.target.value)}
              hint={t('triggers.scm.commentsHint')}
            />
          </EventGroup>
          <h3 className={formStyles.groupTitle}>{t('triggers.scm.workflowSource')}</h3>
          <CheckboxField
            label={t('triggers.scm.workflowFromRevision')}
            checked={values.workflowFromRevision}
            onChange={(v) => set('workflowFromRevision', v)}
            hint={t('triggers.scm.workflowFromRevisionHint')}
          />
        </>
      ) : null}

      {values.type === 'WEBHOOK' ? (
        trigger ? (
          <div className={styles.webhook}>
            <p className={formStyles.groupTitle}>{t('triggers.webhook.url')}</p>
            <CopyableValue value={`${origin}${webhookTriggerPath(trigger.id)}`} label={t('triggers.copyWebhook')} />
            <p className={styles.muted}>{t('triggers.webhook.hint')}</p>
            <pre className={styles.code}>
              {`curl -X POST -H "Authorization: Bearer $CYCLONE_TOKEN" \\\n  ${origin}${webhookTriggerPath(trigger.id)}`}
            </pre>
          </div>
        ) : (
          <p className={styles.muted}>{t('triggers.webhook.afterSave')}</p>
        )
      ) : null}

      <h3 className={formStyles.groupTitle}>{t('triggers.parameters.title')}</h3>
      <p className={styles.muted}>{t('triggers.parameters.hint')}</p>
      {values.parameters.map((parameter, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place
        <div key={index} className={styles.pair}>
          <TextField
            label={t('triggers.parameters.name', { n: index + 1 })}
            value={parameter.name}
            onChange={(event) => setParameter(index, { name: event.target.value })}
            autoComplete="off"
          />
          <TextField
            label={t('triggers.parameters.value', { n: index + 1 })}
            value={parameter.value}
            onChange={(event) => setParameter(index, { value: event.target.value })}
            autoComplete="off"
          />
          <RemoveRowButton
            label={t('triggers.parameters.remove', { n: index + 1 })}
            onClick={() =>
              set(
                'parameters',
                values.parameters.filter((_, i) => i !== index),
              )
            }
          />
        </div>
      ))}
      <div>
        <Button size="sm" onClick={() => set('parameters', [...values.parameters, { name: '', value: '' }])}>
          {t('triggers.parameters.add')}
        </Button>
      </div>
      <FormError
        className={styles.error}
        message={save.error ? (save.error instanceof Error ? save.error.message : t('errors.generic')) : undefined}
      />
    </FormDrawer>
  );
}

/** One SCM event: its checkbox, and its settings while it is on. */
function EventGroup({
  label,
  checked,
  onChange,
  children,
}: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  children?: ReactNode;
}) {
  return (
    <div className={styles.eventGroup}>
      <CheckboxField label={label} checked={checked} onChange={onChange} />
      {checked ? children : null}
    </div>
  );
}
