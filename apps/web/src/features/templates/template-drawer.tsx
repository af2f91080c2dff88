'use client';

import { type FormEvent, useId, useState } from 'react';
import { Button } from '@/components/ui/button';
import { FormError } from '@/components/ui/form-drawer';
import { TextField } from '@/components/ui/text-field';
import { DrawerField, EntryFormDrawer } from '@/features/dag-editor/editor/drawer-fields';
import { RowsEditor } from '@/features/dag-editor/editor/rows-editor';
import formStyles from '@/features/dag-editor/editor/stage-drawer.module.css';
import { WorkloadFields } from '@/features/dag-editor/editor/workload-fields';
import { isDnsLabel } from '@/features/dag-editor/model/checks';
import { useT } from '@/i18n/i18n-provider';
import { TEMPLATE_KINDS, type TemplateDraft, undeclaredPlaceholders } from './template-form';

/**
 * Creates or edits a tenant template: what it runs, and its `{{ name }}` arguments with
 * their defaults. `mode` says whether the name can change (only when creating).
 */
export function TemplateDrawer({
  mode,
  initial,
  takenNames,
  error,
  busy,
  onSave,
  onClose,
}: {
  mode: 'create' | 'edit';
  initial: TemplateDraft;
  takenNames: ReadonlySet<string>;
  error?: string;
  busy: boolean;
  onSave: (draft: TemplateDraft) => void;
  onClose: () => void;
}) {
  const t = useT();
  const kindId = useId();
  const [draft, setDraft] = useState(initial);
  const [touched, setTouched] = useState(false);
  const set = (patch: Partial<TemplateDraft>) => setDraft((d) => ({ ...d, ...patch }));

  const nameError =
    mode === 'create' && !isDnsLabel(draft.name.trim())
      ? t('templates.form.nameInvalid')
      : mode === 'create' && takenNames.has(draft.name.trim())
        ? t('templates.form.nameTaken', { name: draft.name.trim() })
        : undefined;
  const imageError = draft.image.trim() ? undefined : t('templates.form.imageRequired');
  const missing = undeclaredPlaceholders(draft);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (nameError || imageError) return;
    onSave(draft);
  };

  return (
    <EntryFormDrawer
      form="templates.form"
      mode={mode}
      name={initial.name}
      width="32rem"
      busy={busy}
      onSubmit={submit}
      onClose={onClose}
    >
      <FormError message={error} />
      <TextField
        label={t('templates.form.name')}
        value={draft.name}
        readOnly={mode === 'edit'}
        onChange={(event) => set({ name: event.target.value })}
        error={touched ? nameError : undefined}
        hint={mode === 'edit' ? t('templates.form.nameFixed') : t('templates.form.nameHint')}
        autoComplete="off"
      />
      <TextField
        label={t('templates.form.description')}
        value={draft.description}
        onChange={(event) => set({ description: event.target.value })}
        autoComplete="off"
      />
      <DrawerField id={kindId} label={t('templates.form.kind')}>
        <select
          id={kindId}
          className={formStyles.input}
          value={draft.kind}
          onChange={(event) => set({ kind: event.target.value })}
        >
          {TEMPLATE_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {kind}
            </option>
          ))}
        </select>
      </DrawerField>
      <WorkloadFields
        values={draft}
        onChange={set}
        labels={{
          image: t('templates.form.image'),
          imageHint: t('templates.form.placeholderHint'),
          command: t('templates.form.command'),
          commandHint: t('templates.form.linesHint'),
          args: t('templates.form.args'),
          workingDir: t('templates.form.workingDir'),
          env: t('templates.form.env'),
          envName: t('templates.form.envName'),
          envValue: t('templates.form.envValue'),
          addEnv: t('templates.form.addEnv'),
        }}
        imagePlaceholder="node:20-alpine"
        imageError={touched ? imageError : undefined}
      />
      <RowsEditor
        legend={t('templates.form.arguments')}
        columns={[
          { key: 'name', label: t('templates.form.argName') },
          { key: 'value', label: t('templates.form.argDefault'), placeholder: t('templates.form.argRequired') },
          { key: 'description', label: t('templates.form.argDescription') },
        ]}
        rows={draft.arguments}
        onChange={(args) => set({ arguments: args })}
        addLabel={t('templates.form.addArgument')}
      />
      {missing.length > 0 ? (
        <div className={formStyles.field}>
          <p className={formStyles.hint}>{t('templates.form.undeclared', { names: missing.join(', ') })}</p>
          <Button
            size="sm"
            onClick={() =>
              set({
                arguments: [...draft.arguments, ...missing.map((name) => ({ name, value: '', description: '' }))],
              })
            }
          >
            {t('templates.form.declareMissing')}
          </Button>
        </div>
      ) : null}
    </EntryFormDrawer>
  );
}
