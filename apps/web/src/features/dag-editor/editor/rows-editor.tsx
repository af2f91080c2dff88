'use client';

import { useT } from '@/i18n/i18n-provider';
import styles from './stage-drawer.module.css';

export interface RowColumn<Key extends string> {
  key: Key;
  label: string;
  placeholder?: string;
}

/** Editable rows of text fields (env, resources, artifacts); every input is labelled. */
export function RowsEditor<Key extends string>({
  legend,
  columns,
  rows,
  onChange,
  addLabel,
}: {
  legend: string;
  columns: RowColumn<Key>[];
  rows: Record<Key, string>[];
  onChange: (rows: Record<Key, string>[]) => void;
  addLabel: string;
}) {
  const t = useT();
  const blank = () => Object.fromEntries(columns.map((c) => [c.key, ''])) as Record<Key, string>;
  return (
    <fieldset className={styles.fieldset}>
      <legend className={styles.legend}>{legend}</legend>
      {rows.map((row, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their position
        <div key={index} className={styles.row} style={{ gridTemplateColumns: `repeat(${columns.length}, 1fr) auto` }}>
          {columns.map((column) => (
            <input
              key={column.key}
              className={styles.input}
              aria-label={`${legend}: ${column.label} ${index + 1}`}
              placeholder={column.placeholder ?? column.label}
              value={row[column.key]}
              onChange={(event) =>
                onChange(rows.map((r, i) => (i === index ? { ...r, [column.key]: event.target.value } : r)))
              }
            />
          ))}
          <button
            type="button"
            className={styles.removeRow}
            aria-label={t('editor.drawer.removeRow', { legend, index: index + 1 })}
            onClick={() => onChange(rows.filter((_, i) => i !== index))}
          >
            ×
          </button>
        </div>
      ))}
      <button type="button" className={styles.addRow} onClick={() => onChange([...rows, blank()])}>
        + {addLabel}
      </button>
    </fieldset>
  );
}
