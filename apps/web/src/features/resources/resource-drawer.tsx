'use client';

import { type FormEvent, useId, useState } from 'react';
import { FormError } from '@/components/ui/form-drawer';
import { TextField } from '@/components/ui/text-field';
import { DrawerField, EntryFormDrawer } from '@/features/dag-editor/editor/drawer-fields';
import { RowsEditor } from '@/features/dag-editor/editor/rows-editor';
import formStyles from '@/features/dag-editor/editor/stage-drawer.module.css';
import { useT } from '@/i18n/i18n-provider';
import {
  integrationsFor,
  type ResourceDraft,
  type ResourceFormField,
  type ResourceTypeOption,
  retypeDraft,
  takesResolver,
} from './resource-form';

export interface ServerError {
  message: string;
  formField?: ResourceFormField;
}

/**
 * Creates or edits a project resource: its type (built-in or registered), the type's
 * parameters pre-filled, the integration that gives credentials and, where the type
 * takes one, a resolver image. The server has the last word; its error is shown at its field.
 */
export function ResourceDrawer({
  mode,
  initial,
  types,
  integrations,
  sealed,
  error,
  busy,
  onSave,
  onClose,
}: {
  mode: 'create' | 'edit';
  initial: ResourceDraft;
  types: readonly ResourceTypeOption[];
  integrations: readonly { name: string; type: string }[];
  sealed: readonly string[];
  error?: ServerError;
  busy: boolean;
  onSave: (draft: ResourceDraft) => void;
  onClose: () => void;
}) {
  const t = useT();
  const typeId = useId();
  const integrationId = useId();
  const [draft, setDraft] = useState(initial);
  const set = (patch: Partial<ResourceDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const type = types.find((candidate) => candidate.type === draft.type);
  const fieldError = (field: ResourceFormField) => (error?.formField === field ? error.message : undefined);
  const bound = new Set(type?.bind?.paramBindings?.map((b) => b.name));
  const offered = integrationsFor(type, integrations);
  if (draft.integration && !offered.some((i) => i.name === draft.integration)) {
    offered.push({ name: draft.integration, type: '' });
  }
  const resolver = takesResolver(type);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSave(draft);
  };

  return (
    <EntryFormDrawer
      form="resources.form"
      mode={mode}
      name={initial.name}
      width="34rem"
      busy={busy}
      onSubmit={submit}
      onClose={onClose}
    >
      {error && !error.formField ? <FormError message={`${t('resources.form.failed')}: ${error.message}`} /> : null}
      <TextField
        label={t('resources.form.name')}
        value={draft.name}
        readOnly={mode === 'edit'}
        onChange={(event) => set({ name: event.target.value })}
        hint={mode === 'edit' ? t('resources.form.nameFixed') : t('resources.form.nameHint')}
        error={fieldError('name')}
        autoComplete="off"
        spellCheck={false}
      />
      <DrawerField id={typeId} label={t('resources.form.type')}>
        <select
          id={typeId}
          className={formStyles.input}
          value={draft.type}
          aria-describedby={`${typeId}-hint`}
          onChange={(event) =>
            setDraft((d) =>
              retypeDraft(
                d,
                types.find((c) => c.type === event.target.value),
              ),
            )
          }
        >
          {types.length === 0 ? <option value="">{t('resources.form.typesLoading')}</option> : null}
          {types.map((option) => (
            <option key={option.type} value={option.type} title={option.description}>
              {option.builtin ? option.type : t('resources.form.typeRegistered', { type: option.type })}
            </option>
          ))}
        </select>
        <p id={`${typeId}-hint`} className={formStyles.hint}>
          {type?.description}
        </p>
        <FormError message={fieldError('type')} />
      </DrawerField>
      <fieldset className={formStyles.fieldset}>
        <legend className={formStyles.legend}>{t('resources.form.parameters')}</legend>
        {type && type.parameters.length === 0 ? (
          <p className={formStyles.hint}>{t('resources.form.noParameters')}</p>
        ) : null}
        {type?.parameters.map((parameter) => (
          <TextField
            key={parameter.name}
            label={parameter.required ? t('resources.form.required', { name: parameter.name }) : parameter.name}
            value={draft.values[parameter.name] ?? ''}
            onChange={(event) => set({ values: { ...draft.values, [parameter.name]: event.target.value } })}
            hint={[
              parameter.description,
              bound.has(parameter.name) ? t('resources.form.bound') : '',
              sealed.includes(parameter.name) ? t('resources.form.sealed') : '',
            ]
              .filter(Boolean)
              .join(' ')}
            autoComplete="off"
            spellCheck={false}
          />
        ))}
        <FormError message={fieldError('parameters')} />
      </fieldset>
      <RowsEditor
        legend={t('resources.form.extra')}
        columns={[
          { key: 'name', label: t('resources.form.paramName') },
          { key: 'value', label: t('resources.form.paramValue') },
        ]}
        rows={draft.extra}
        onChange={(extra) => set({ extra })}
        addLabel={t('resources.form.addParameter')}
      />
      <DrawerField id={integrationId} label={t('resources.form.integration')}>
        <select
          id={integrationId}
          className={formStyles.input}
          value={draft.integration}
          onChange={(event) => set({ integration: event.target.value })}
        >
          <option value="">{t('resources.form.noIntegration')}</option>
          {offered.map((integration) => (
            <option key={integration.name} value={integration.name}>
              {integration.type ? `${integration.name} (${integration.type})` : integration.name}
            </option>
          ))}
        </select>
        <p className={formStyles.hint}>
          {type?.bind
            ? t('resources.form.integrationBound', {
                kind: type.bind.integrationType,
                names: [...bound].join(', ') || t('common.notAvailable'),
              })
            : t('resources.form.integrationHint')}
        </p>
        <FormError message={fieldError('integration')} />
      </DrawerField>
      {resolver !== 'none' ? (
        <TextField
          label={t('resources.form.resolver')}
          value={draft.resolver}
          placeholder={type?.resolver ?? 'registry.example.com/resolvers/general:1.0'}
          onChange={(event) => set({ resolver: event.target.value })}
          hint={
            resolver === 'required'
              ? t('resources.form.resolverRequiredHint')
              : t('resources.form.resolverOverrideHint', { image: type?.resolver ?? '' })
          }
          error={fieldError('resolver')}
          autoComplete="off"
          spellCheck={false}
        />
      ) : null}
    </EntryFormDrawer>
  );
}
