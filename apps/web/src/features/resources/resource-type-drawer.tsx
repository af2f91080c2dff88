'use client';

import { type FormEvent, useId, useState } from 'react';
import { FormError } from '@/components/ui/form-drawer';
import { TextField } from '@/components/ui/text-field';
import { CheckboxRow, DrawerField, EntryFormDrawer } from '@/features/dag-editor/editor/drawer-fields';
import { RequiredRows } from '@/features/dag-editor/editor/required-rows';
import { RowsEditor } from '@/features/dag-editor/editor/rows-editor';
import formStyles from '@/features/dag-editor/editor/stage-drawer.module.css';
import { useT } from '@/i18n/i18n-provider';
import { BIND_INTEGRATION_TYPES, BIND_KINDS, type ResourceTypeDraft } from './resource-type-form';

/** Registers or edits a tenant's resource type: resolver image, operations, parameters and binding. */
export function ResourceTypeDrawer({
  mode,
  initial,
  error,
  busy,
  onSave,
  onClose,
}: {
  mode: 'create' | 'edit';
  initial: ResourceTypeDraft;
  error?: string;
  busy: boolean;
  onSave: (draft: ResourceTypeDraft) => void;
  onClose: () => void;
}) {
  const t = useT();
  const bindId = useId();
  const [draft, setDraft] = useState(initial);
  const [touched, setTouched] = useState(false);
  const set = (patch: Partial<ResourceTypeDraft>) => setDraft((d) => ({ ...d, ...patch }));

  const typeError = draft.type.trim() ? undefined : t('resourceTypes.form.typeRequired');
  const resolverError = draft.resolver.trim() ? undefined : t('resourceTypes.form.resolverRequired');
  const operationsError = draft.pull || draft.push ? undefined : t('resourceTypes.form.operationsRequired');
  const known: readonly string[] = [...BIND_KINDS, ...BIND_INTEGRATION_TYPES];
  const unknownKind = draft.bindIntegrationType && !known.includes(draft.bindIntegrationType);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (typeError || resolverError || operationsError) return;
    onSave(draft);
  };

  return (
    <EntryFormDrawer
      form="resourceTypes.form"
      mode={mode}
      name={initial.type}
      width="34rem"
      busy={busy}
      onSubmit={submit}
      onClose={onClose}
    >
      <FormError message={error} />
      <TextField
        label={t('resourceTypes.form.type')}
        value={draft.type}
        readOnly={mode === 'edit'}
        onChange={(event) => set({ type: event.target.value })}
        error={touched ? typeError : undefined}
        hint={mode === 'edit' ? t('resourceTypes.form.typeFixed') : t('resourceTypes.form.typeHint')}
        autoComplete="off"
        spellCheck={false}
      />
      <TextField
        label={t('resourceTypes.form.name')}
        value={draft.name}
        placeholder={draft.type.trim() ? `resource-type-${draft.type.trim().toLowerCase()}` : undefined}
        onChange={(event) => set({ name: event.target.value })}
        hint={t('resourceTypes.form.nameHint')}
        autoComplete="off"
        spellCheck={false}
      />
      <TextField
        label={t('resourceTypes.form.resolver')}
        value={draft.resolver}
        placeholder="registry.example.com/resolvers/oss:1.0"
        onChange={(event) => set({ resolver: event.target.value })}
        error={touched ? resolverError : undefined}
        hint={t('resourceTypes.form.resolverHint')}
        autoComplete="off"
        spellCheck={false}
      />
      <fieldset className={formStyles.fieldset}>
        <legend className={formStyles.legend}>{t('resourceTypes.form.operations')}</legend>
        <CheckboxRow label={t('resourceTypes.form.pull')} checked={draft.pull} onChange={(pull) => set({ pull })} />
        <CheckboxRow label={t('resourceTypes.form.push')} checked={draft.push} onChange={(push) => set({ push })} />
        {touched && operationsError ? (
          <p className={formStyles.hint} style={{ color: 'var(--danger)' }}>
            {operationsError}
          </p>
        ) : null}
      </fieldset>
      <RequiredRows
        rows={draft.parameters}
        onChange={(parameters) => set({ parameters })}
        text={{
          legend: t('resourceTypes.form.parameters'),
          name: (index) => t('resourceTypes.form.parameterName', { index }),
          namePlaceholder: 'BUCKET',
          description: (index) => t('resourceTypes.form.parameterDescription', { index }),
          descriptionPlaceholder: t('resourceTypes.form.parameterDescriptionPlaceholder'),
          required: t('resourceTypes.form.parameterRequired'),
          add: t('resourceTypes.form.addParameter'),
        }}
      />
      <DrawerField
        id={bindId}
        label={t('resourceTypes.form.bindIntegrationType')}
        hint={t('resourceTypes.form.bindHint')}
      >
        <select
          id={bindId}
          className={formStyles.input}
          value={draft.bindIntegrationType}
          onChange={(event) => set({ bindIntegrationType: event.target.value })}
        >
          <option value="">{t('resourceTypes.form.bindNone')}</option>
          <optgroup label={t('resourceTypes.form.bindKinds')}>
            {BIND_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {kind}
              </option>
            ))}
          </optgroup>
          <optgroup label={t('resourceTypes.form.bindIntegrationTypes')}>
            {BIND_INTEGRATION_TYPES.map((kind) => (
              <option key={kind} value={kind}>
                {kind}
              </option>
            ))}
          </optgroup>
          {unknownKind ? <option value={draft.bindIntegrationType}>{draft.bindIntegrationType}</option> : null}
        </select>
      </DrawerField>
      {draft.bindIntegrationType ? (
        <RowsEditor
          legend={t('resourceTypes.form.paramBindings')}
          columns={[
            { key: 'name', label: t('resourceTypes.form.bindingParameter'), placeholder: 'SCM_URL' },
            { key: 'value', label: t('resourceTypes.form.bindingField'), placeholder: 'scm.server' },
          ]}
          rows={draft.paramBindings}
          onChange={(paramBindings) => set({ paramBindings })}
          addLabel={t('resourceTypes.form.addBinding')}
        />
      ) : null}
    </EntryFormDrawer>
  );
}
