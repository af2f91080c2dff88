'use client';

import { CheckboxRow } from './drawer-fields';
import { RowList } from './rows-editor';
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
  return (
    <RowList
      legend={text.legend}
      rows={rows}
      onChange={onChange}
      blank={() => ({ name: '', required: false, description: '' })}
      addLabel={text.add}
      columns="1fr 1.4fr auto auto"
      renderFields={(row, index, setRow) => (
        <>
          <input
            className={styles.input}
            aria-label={text.name(index + 1)}
            placeholder={text.namePlaceholder}
            value={row.name}
            onChange={(e) => setRow({ name: e.target.value })}
            spellCheck={false}
          />
          <input
            className={styles.input}
            aria-label={text.description(index + 1)}
            placeholder={text.descriptionPlaceholder}
            value={row.description}
            onChange={(e) => setRow({ description: e.target.value })}
          />
          <CheckboxRow label={text.required} checked={row.required} onChange={(required) => setRow({ required })} />
        </>
      )}
    />
  );
}
