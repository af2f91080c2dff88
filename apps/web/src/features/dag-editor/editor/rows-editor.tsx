'use client';

import type { ReactNode } from 'react';
import { useT } from '@/i18n/i18n-provider';
import styles from './stage-drawer.module.css';

/**
 * The frame of an editable list: a legend, each row's fields (laid out by `columns`, a grid
 * template) with a button that removes the row, and a button that adds a `blank` one.
 */
export function RowList<Row>({
  legend,
  rows,
  onChange,
  blank,
  addLabel,
  columns,
  renderFields,
}: {
  legend: string;
  rows: Row[];
  onChange: (rows: Row[]) => void;
  blank: () => Row;
  addLabel: string;
  columns: string;
  renderFields: (row: Row, index: number, setRow: (patch: Partial<Row>) => void) => ReactNode;
}) {
  const t = useT();
  const setRow = (index: number, patch: Partial<Row>) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  return (
    <fieldset className={styles.fieldset}>
      <legend className={styles.legend}>{legend}</legend>
      {rows.map((row, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their position
        <div key={index} className={styles.row} style={{ gridTemplateColumns: columns }}>
          {renderFields(row, index, (patch) => setRow(index, patch))}
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
  return (
    <RowList
      legend={legend}
      rows={rows}
      onChange={onChange}
      blank={() => Object.fromEntries(columns.map((c) => [c.key, ''])) as Record<Key, string>}
      addLabel={addLabel}
      columns={`repeat(${columns.length}, 1fr) auto`}
      renderFields={(row, index, setRow) =>
        columns.map((column) => (
          <input
            key={column.key}
            className={styles.input}
            aria-label={`${legend}: ${column.label} ${index + 1}`}
            placeholder={column.placeholder ?? column.label}
            value={row[column.key]}
            onChange={(event) => setRow({ [column.key]: event.target.value } as Partial<Record<Key, string>>)}
          />
        ))
      }
    />
  );
}
