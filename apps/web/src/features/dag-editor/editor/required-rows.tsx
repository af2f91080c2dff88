'use client';

import { useT } from '@/i18n/i18n-provider';
import { CheckboxRow } from './drawer-fields';
import styles from './stage-drawer.module.css';

export interface RequiredRow {
  name: string;
  description: string;
  required: boolean;
}

/** What a RequiredRows list says: its legend and the labels of each row's fields. */
export interface RequiredRowsText {
  legend: string;
  name: (index: number) => string;
  namePlaceholder: string;
  description: (index: number) => string;
  descriptionPlaceholder: string;
  required: string;
  add: string;
}

/** Rows of a name, a description and whether it must be given (an approval's inputs, a resource type's parameters). */
export function RequiredRows({
  rows,
  onChange,
  text,
}: {
  rows: RequiredRow[];
  onChange: (rows: RequiredRow[]) => void;
  text: RequiredRowsText;
}) {
  const t = useT();
  const setRow = (index: number, patch: Partial<RequiredRow>) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  return (
    <fieldset className={styles.fieldset}>
      <legend className={styles.legend}>{text.legend}</legend>
      {rows.map((row, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their position
        <div key={index} className={styles.row} style={{ gridTemplateColumns: '1fr 1.4fr auto auto' }}>
          <input
            className={styles.input}
            aria-label={text.name(index + 1)}
            placeholder={text.namePlaceholder}
            value={row.name}
            onChange={(e) => setRow(index, { name: e.target.value })}
            spellCheck={false}
          />
          <input
            className={styles.input}
            aria-label={text.description(index + 1)}
            placeholder={text.descriptionPlaceholder}
            value={row.description}
            onChange={(e) => setRow(index, { description: e.target.value })}
          />
          <CheckboxRow
            label={text.required}
            checked={row.required}
            onChange={(required) => setRow(index, { required })}
          />
          <button
            type="button"
            className={styles.removeRow}
            aria-label={t('editor.drawer.removeRow', { legend: text.legend, index: index + 1 })}
            onClick={() => onChange(rows.filter((_, i) => i !== index))}
          >
            ×
          </button>
        </div>
      ))}
      <button
        type="button"
        className={styles.addRow}
        onClick={() => onChange([...rows, { name: '', required: false, description: '' }])}
      >
        + {text.add}
      </button>
    </fieldset>
  );
}
