'use client';

import styles from '@/features/dag-editor/editor/stage-drawer.module.css';
import { useT } from '@/i18n/i18n-provider';
import type { ResourceTypeDraft } from './resource-type-form';

type ParameterRow = ResourceTypeDraft['parameters'][number];

/** A resource type's parameters: name, description and whether each resource must give it. */
export function ResourceTypeParameterRows({
  rows,
  onChange,
}: {
  rows: ParameterRow[];
  onChange: (rows: ParameterRow[]) => void;
}) {
  const t = useT();
  const legend = t('resourceTypes.form.parameters');
  const setRow = (index: number, patch: Partial<ParameterRow>) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  return (
    <fieldset className={styles.fieldset}>
      <legend className={styles.legend}>{legend}</legend>
      {rows.map((row, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their position
        <div key={index} className={styles.row} style={{ gridTemplateColumns: '1fr 1.4fr auto auto' }}>
          <input
            className={styles.input}
            aria-label={t('resourceTypes.form.parameterName', { index: index + 1 })}
            placeholder="BUCKET"
            value={row.name}
            onChange={(e) => setRow(index, { name: e.target.value })}
            spellCheck={false}
          />
          <input
            className={styles.input}
            aria-label={t('resourceTypes.form.parameterDescription', { index: index + 1 })}
            placeholder={t('resourceTypes.form.parameterDescriptionPlaceholder')}
            value={row.description}
            onChange={(e) => setRow(index, { description: e.target.value })}
          />
          <label className={styles.checkbox}>
            <input
              type="checkbox"
              checked={row.required}
              onChange={(e) => setRow(index, { required: e.target.checked })}
            />
            <span>{t('resourceTypes.form.parameterRequired')}</span>
          </label>
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
      <button
        type="button"
        className={styles.addRow}
        onClick={() => onChange([...rows, { name: '', required: false, description: '' }])}
      >
        + {t('resourceTypes.form.addParameter')}
      </button>
    </fieldset>
  );
}
