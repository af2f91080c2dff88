'use client';

import type { FormEvent, ReactNode } from 'react';
import { FormDrawer } from '@/components/ui/form-drawer';
import { useT } from '@/i18n/i18n-provider';
import styles from './stage-drawer.module.css';

/** A drawer form's control under its label; a hint, if any, below it as `<id>-hint`. */
export function DrawerField({
  id,
  label,
  hint,
  children,
}: {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className={styles.field}>
      <label htmlFor={id} className={styles.label}>
        {label}
      </label>
      {children}
      {hint ? (
        <p id={`${id}-hint`} className={styles.hint}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** A checkbox with its label at the right; a hint, if any, muted after the label. */
export function CheckboxRow({
  checked,
  onChange,
  label,
  hint,
}: {
  checked: boolean;
  onChange: (checked: boolean) => void;
  label: ReactNode;
  hint?: ReactNode;
}) {
  return (
    <label className={styles.checkbox}>
      <input type="checkbox" checked={checked} onChange={(event) => onChange(event.target.checked)} />
      <span>
        {label}
        {hint ? <span className={styles.hint}> — {hint}</span> : null}
      </span>
    </label>
  );
}

/** The forms whose messages an EntryFormDrawer takes: `<form>.createTitle`, `.editTitle`, `.create`, `.save`, `.cancel`. */
type EntryForm = 'templates.form' | 'resources.form' | 'resourceTypes.form';

/** The drawer that creates or edits one tenant entry (template, resource, resource type); `mode` picks its title and button. */
export function EntryFormDrawer({
  form,
  mode,
  name,
  width,
  busy,
  onSubmit,
  onClose,
  children,
}: {
  form: EntryForm;
  mode: 'create' | 'edit';
  /** The edited entry's name, for the edit title. */
  name: string;
  width: string;
  busy: boolean;
  onSubmit: (event: FormEvent) => void;
  onClose: () => void;
  children: ReactNode;
}) {
  const t = useT();
  return (
    <FormDrawer
      width={width}
      title={mode === 'create' ? t(`${form}.createTitle`) : t(`${form}.editTitle`, { name })}
      onClose={onClose}
      submitLabel={mode === 'create' ? t(`${form}.create`) : t(`${form}.save`)}
      onSubmit={onSubmit}
      busy={busy}
      cancelLabel={t(`${form}.cancel`)}
      formClassName={styles.form}
    >
      {children}
    </FormDrawer>
  );
}
