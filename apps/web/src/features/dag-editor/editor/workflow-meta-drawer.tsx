'use client';

import { type FormEvent, useId, useState } from 'react';
import { FormDrawer } from '@/components/ui/form-drawer';
import { useT } from '@/i18n/i18n-provider';
import type { WorkflowMeta } from '../model/yaml-doc';
import { CheckboxRow, DrawerField } from './drawer-fields';
import { RowsEditor } from './rows-editor';
import styles from './stage-drawer.module.css';

/** Lines of the description and variables, for the dirty check and the save diff. */
export function metaLines(meta: WorkflowMeta): string[] {
  const lines: string[] = [];
  if (meta.description) lines.push(`description: ${meta.description}`);
  for (const v of meta.globalVariables) if (v.name.trim()) lines.push(`variable ${v.name}=${v.value}`);
  if (meta.acceleration) lines.push('acceleration: on');
  return lines;
}

/**
 * The workflow's description, global variables (what a run's parameters default to) and
 * whether its runs are accelerated.
 */
export function WorkflowMetaDrawer({
  meta,
  onApply,
  onClose,
}: {
  meta: WorkflowMeta;
  onApply: (meta: WorkflowMeta) => void;
  onClose: () => void;
}) {
  const t = useT();
  const descriptionId = useId();
  const [draft, setDraft] = useState<WorkflowMeta>(meta);
  const names = draft.globalVariables.map((v) => v.name.trim()).filter(Boolean);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (duplicate) return;
    onApply({
      description: draft.description.trim(),
      globalVariables: draft.globalVariables.filter((v) => v.name.trim()).map((v) => ({ ...v, name: v.name.trim() })),
      acceleration: draft.acceleration,
    });
  };

  return (
    <FormDrawer
      modal={false}
      width="30rem"
      title={t('editor.meta.title')}
      onClose={onClose}
      submitLabel={t('editor.meta.apply')}
      onSubmit={submit}
      cancelLabel={t('editor.meta.cancel')}
      formClassName={styles.form}
    >
      <DrawerField id={descriptionId} label={t('editor.meta.description')}>
        <textarea
          id={descriptionId}
          className={styles.textarea}
          rows={3}
          value={draft.description}
          onChange={(event) => setDraft({ ...draft, description: event.target.value })}
        />
      </DrawerField>
      <RowsEditor
        legend={t('editor.meta.variables')}
        columns={[
          { key: 'name', label: t('editor.meta.varName'), placeholder: 'IMAGE_TAG' },
          { key: 'value', label: t('editor.meta.varValue') },
        ]}
        rows={draft.globalVariables}
        onChange={(globalVariables) => setDraft({ ...draft, globalVariables })}
        addLabel={t('editor.meta.addVariable')}
      />
      <p className={styles.hint}>{t('editor.meta.variablesHint')}</p>
      {duplicate ? (
        <p className={styles.hint} role="alert" style={{ color: 'var(--danger)' }}>
          {t('editor.meta.duplicate', { name: duplicate })}
        </p>
      ) : null}
      <CheckboxRow
        label={t('editor.meta.acceleration')}
        hint={t('editor.meta.accelerationHint')}
        checked={draft.acceleration}
        onChange={(acceleration) => setDraft({ ...draft, acceleration })}
      />
    </FormDrawer>
  );
}
