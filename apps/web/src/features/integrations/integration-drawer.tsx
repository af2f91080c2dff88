'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Button, RemoveRowButton } from '@/components/ui/button';
import formStyles from '@/components/ui/drawer-form.module.css';
import { FormDrawer } from '@/components/ui/form-drawer';
import { TextField } from '@/components/ui/text-field';
import { CheckboxField, FormError, SelectField, TextAreaField } from '@/features/settings/form-controls';
import { useT } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import {
  CATEGORY_OF,
  type FieldSpec,
  FORM_FIELDS,
  INTEGRATION_TYPES,
  type IntegrationFormValues,
  type IntegrationType,
  missingFields,
  toFormValues,
  toIntegrationPayload,
} from './integration-forms';
import {
  CreateIntegrationDocument,
  type IntegrationRow,
  type IntegrationTestResult,
  TestIntegrationDocument,
  UpdateIntegrationDocument,
} from './integrations.documents';
import styles from './integrations.module.css';
import { TestResultCard } from './test-result';

const blank = (type: IntegrationType = 'GITHUB'): IntegrationFormValues => ({
  name: '',
  description: '',
  type,
  fields: {},
  pairs: [{ key: '', value: '', isSecret: false }],
});

/**
 * "Add external system" / edit: a form per type. Secrets are write-only: on edit their
 * fields are blank with an "unchanged" placeholder and only what is typed is sent.
 */
export function IntegrationDrawer({
  tenant,
  open,
  integration,
  onClose,
  onSaved,
}: {
  tenant: string;
  open: boolean;
  /** The integration to edit; a new one when undefined. */
  integration?: IntegrationRow;
  onClose: () => void;
  onSaved: (saved: IntegrationRow) => void;
}) {
  const t = useT();
  const queryClient = useQueryClient();
  const isEdit = Boolean(integration);
  const [values, setValues] = useState<IntegrationFormValues>(blank);
  const [missing, setMissing] = useState<string[]>([]);
  const [testResult, setTestResult] = useState<IntegrationTestResult>();

  useEffect(() => {
    if (!open) return;
    setValues(integration ? toFormValues(integration) : blank());
    setMissing([]);
    setTestResult(undefined);
  }, [open, integration]);

  const save = useMutation({
    mutationFn: async (form: IntegrationFormValues) => {
      const payload = toIntegrationPayload(form);
      if (integration) {
        const data = await request(UpdateIntegrationDocument, {
          input: { tenant, name: integration.name, description: form.description, ...payload },
        });
        return data.updateIntegration;
      }
      const data = await request(CreateIntegrationDocument, {
        input: { tenant, name: form.name.trim(), type: form.type, description: form.description, ...payload },
      });
      return data.createIntegration;
    },
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.integrations.all(tenant) });
      onSaved(saved);
    },
  });
  const test = useMutation({
    mutationFn: (name: string) => request(TestIntegrationDocument, { input: { tenant, name } }),
    onSuccess: (data) => setTestResult(data.testIntegration),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const absent = missingFields(values, isEdit);
    setMissing(absent);
    if (absent.length === 0) save.mutate(values);
  };
  const setField = (key: FieldSpec['key'], value: string) =>
    setValues((current) => ({ ...current, fields: { ...current.fields, [key]: value } }));
  const setPair = (index: number, patch: Partial<IntegrationFormValues['pairs'][number]>) =>
    setValues((current) => ({
      ...current,
      pairs: current.pairs.map((pair, i) => (i === index ? { ...pair, ...patch } : pair)),
    }));

  const secretPlaceholder = (key: string) =>
    integration?.secretFields.includes(key) ? t('integrations.secret.unchanged') : t('integrations.secret.notSet');
  const errorText = save.error instanceof Error ? save.error.message : undefined;

  return (
    <FormDrawer
      open={open}
      width="32rem"
      title={
        integration ? t('integrations.drawer.editTitle', { name: integration.name }) : t('integrations.drawer.addTitle')
      }
      onClose={onClose}
      submitLabel={integration ? t('integrations.drawer.save') : t('integrations.drawer.create')}
      onSubmit={submit}
      busy={save.isPending}
      actions={
        integration ? (
          <Button onClick={() => test.mutate(integration.name)} loading={test.isPending}>
            {t('integrations.test.button')}
          </Button>
        ) : null
      }
    >
      <SelectField
        label={t('integrations.field.type')}
        value={values.type}
        disabled={isEdit}
        hint={isEdit ? t('integrations.typeFixed') : t(`integrations.typeHint.${CATEGORY_OF[values.type]}`)}
        onChange={(event) =>
          setValues((current) => ({
            ...blank(event.target.value as IntegrationType),
            name: current.name,
            description: current.description,
          }))
        }
        options={INTEGRATION_TYPES.map((type) => ({ value: type, label: t(`integrations.type.${type}`) }))}
      />
      <TextField
        label={t('integrations.field.name')}
        hint={isEdit ? undefined : t('integrations.nameHint')}
        value={values.name}
        disabled={isEdit}
        onChange={(event) => setValues((current) => ({ ...current, name: event.target.value }))}
        required
        autoComplete="off"
      />
      <TextField
        label={t('integrations.field.description')}
        value={values.description}
        onChange={(event) => setValues((current) => ({ ...current, description: event.target.value }))}
        autoComplete="off"
      />
      <h3 className={formStyles.groupTitle}>{t('integrations.drawer.connection')}</h3>
      {FORM_FIELDS[values.type].map((spec) => {
        const label = t(`integrations.field.${spec.key}`);
        const isMissing = missing.includes(spec.key);
        const common = {
          label: spec.isRequired ? `${label} *` : label,
          error: isMissing ? t('integrations.required') : undefined,
          autoComplete: spec.isSecret ? 'new-password' : 'off',
        };
        if (spec.multiline) {
          return (
            <TextAreaField
              key={spec.key}
              {...common}
              rows={8}
              spellCheck={false}
              value={values.fields[spec.key] ?? ''}
              placeholder={isEdit ? secretPlaceholder(spec.key) : 'apiVersion: v1\nkind: Config\n…'}
              hint={t('integrations.secret.hint')}
              onChange={(event) => setField(spec.key, event.target.value)}
            />
          );
        }
        return (
          <TextField
            key={spec.key}
            {...common}
            type={spec.isSecret ? 'password' : 'text'}
            value={values.fields[spec.key] ?? ''}
            placeholder={spec.isSecret ? (isEdit ? secretPlaceholder(spec.key) : '') : spec.placeholder}
            hint={
              spec.isSecret
                ? t('integrations.secret.hint')
                : spec.key === 'server' && !spec.isRequired
                  ? t('integrations.serverDefault', { server: spec.placeholder ?? '' })
                  : undefined
            }
            onChange={(event) => setField(spec.key, event.target.value)}
          />
        );
      })}
      {values.type === 'GENERAL' ? (
        <div className={styles.pairs}>
          <p className={styles.muted}>{t('integrations.general.hint')}</p>
          {values.pairs.map((pair, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place; keys may be blank or repeat
            <div key={index} className={styles.pair}>
              <TextField
                label={t('integrations.general.key', { n: index + 1 })}
                value={pair.key}
                onChange={(event) => setPair(index, { key: event.target.value })}
                autoComplete="off"
              />
              <TextField
                label={t('integrations.general.value', { n: index + 1 })}
                type={pair.isSecret ? 'password' : 'text'}
                placeholder={pair.isSecret && isEdit ? secretPlaceholder(pair.key) : ''}
                value={pair.value}
                onChange={(event) => setPair(index, { value: event.target.value })}
                autoComplete={pair.isSecret ? 'new-password' : 'off'}
              />
              <CheckboxField
                label={t('integrations.general.secret')}
                checked={pair.isSecret}
                onChange={(isSecret) => setPair(index, { isSecret })}
              />
              <RemoveRowButton
                label={t('integrations.general.removeRow', { n: index + 1 })}
                onClick={() =>
                  setValues((current) => ({ ...current, pairs: current.pairs.filter((_, i) => i !== index) }))
                }
              />
            </div>
          ))}
          <div>
            <Button
              size="sm"
              onClick={() =>
                setValues((current) => ({
                  ...current,
                  pairs: [...current.pairs, { key: '', value: '', isSecret: false }],
                }))
              }
            >
              {t('integrations.general.add')}
            </Button>
          </div>
        </div>
      ) : null}
      <FormError className={styles.error} message={errorText} />
      {!integration ? <p className={styles.muted}>{t('integrations.drawer.testAfterSave')}</p> : null}
      {test.error ? (
        <p className={styles.error} role="alert">
          {test.error instanceof Error ? test.error.message : t('errors.generic')}
        </p>
      ) : null}
      {testResult ? <TestResultCard result={testResult} server={String(integration?.config.server ?? '')} /> : null}
    </FormDrawer>
  );
}
