// biome-ignore-all lint/suspicious/noTemplateCurlyInString: a Cyclone reference as a placeholder, not a JS template
'use client';

import { TextField } from '@/components/ui/text-field';
import { useT } from '@/i18n/i18n-provider';
import { RowsEditor } from './rows-editor';
import styles from './stage-drawer.module.css';

/** A matrix as typed: each axis's values comma-separated, maxParallel as text. */
export interface MatrixDraft {
  axes: { name: string; values: string }[];
  from: string;
  maxParallel: string;
}

/** Matrix fan-out of a container stage (docs/workflows.md, "Matrix"): axes, or a list from an upstream output. */
export function MatrixFields({
  draft,
  maxParallelError,
  onChange,
}: {
  draft: MatrixDraft;
  maxParallelError?: string;
  onChange: (draft: MatrixDraft) => void;
}) {
  const t = useT();
  return (
    <>
      <p className={styles.hint}>{t('editor.drawer.matrixHint')}</p>
      <RowsEditor
        legend={t('editor.drawer.matrixAxes')}
        addLabel={t('editor.drawer.addAxis')}
        columns={[
          { key: 'name', label: t('editor.drawer.colName'), placeholder: 'go' },
          { key: 'values', label: t('editor.drawer.matrixValues'), placeholder: '1.22, 1.23' },
        ]}
        rows={draft.axes}
        onChange={(axes) => onChange({ ...draft, axes })}
      />
      <div className={styles.pair}>
        <TextField
          label={t('editor.drawer.matrixFrom')}
          hint={t('editor.drawer.matrixFromHint')}
          placeholder={'${stages.list.outputs.targets}'}
          value={draft.from}
          onChange={(e) => onChange({ ...draft, from: e.target.value })}
          autoComplete="off"
          spellCheck={false}
        />
        <TextField
          label={t('editor.drawer.maxParallel')}
          type="number"
          min={1}
          max={256}
          value={draft.maxParallel}
          error={maxParallelError}
          onChange={(e) => onChange({ ...draft, maxParallel: e.target.value })}
        />
      </div>
    </>
  );
}

export const toMatrixDraft = (stage: {
  matrix?: { name: string; values: string[] }[];
  matrixFrom?: string;
  maxParallel?: number;
}): MatrixDraft => ({
  axes: (stage.matrix ?? []).map((axis) => ({ name: axis.name, values: axis.values.join(', ') })),
  from: stage.matrixFrom ?? '',
  maxParallel: stage.maxParallel ? String(stage.maxParallel) : '',
});

/** The typed matrix as the stage keeps it; blank rows and values dropped. */
export function fromMatrixDraft(draft: MatrixDraft) {
  const matrix = draft.axes
    .map((axis) => ({
      name: axis.name.trim(),
      values: axis.values
        .split(',')
        .map((value) => value.trim())
        .filter(Boolean),
    }))
    .filter((axis) => axis.name);
  const from = draft.from.trim();
  const maxParallel = Number(draft.maxParallel);
  return {
    matrix: matrix.length > 0 ? matrix : undefined,
    matrixFrom: from || undefined,
    maxParallel: draft.maxParallel.trim() && Number.isInteger(maxParallel) ? maxParallel : undefined,
  };
}
