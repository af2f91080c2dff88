'use client';

import { useId } from 'react';
import { TextField } from '@/components/ui/text-field';
import { DrawerField } from './drawer-fields';
import { RowsEditor } from './rows-editor';
import styles from './stage-drawer.module.css';

/** A multi-line field whose lines are list items (command, args); grows with its content. */
export function LinesField({
  label,
  hint,
  value,
  onChange,
}: {
  label: string;
  hint?: string;
  value: string;
  onChange: (value: string) => void;
}) {
  const id = useId();
  return (
    <DrawerField id={id} label={label} hint={hint}>
      <textarea
        id={id}
        className={styles.textarea}
        rows={Math.min(6, Math.max(2, value.split('\n').length))}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-describedby={hint ? `${id}-hint` : undefined}
        spellCheck={false}
      />
    </DrawerField>
  );
}

/** What a container runs; command and args as text, one item per line. */
export interface WorkloadValues {
  image: string;
  command: string;
  args: string;
  workingDir: string;
  env: { name: string; value: string }[];
}

export interface WorkloadLabels {
  image: string;
  imageHint?: string;
  command: string;
  commandHint?: string;
  args: string;
  argsHint?: string;
  workingDir: string;
  env: string;
  envName: string;
  envValue: string;
  addEnv: string;
}

/** The workload part of Cyclone's stage form, shared by the stage drawer and the template drawer. */
export function WorkloadFields({
  values,
  onChange,
  labels,
  imagePlaceholder,
  imageError,
}: {
  values: WorkloadValues;
  onChange: (patch: Partial<WorkloadValues>) => void;
  labels: WorkloadLabels;
  imagePlaceholder: string;
  imageError?: string;
}) {
  return (
    <>
      <TextField
        label={labels.image}
        placeholder={imagePlaceholder}
        value={values.image}
        onChange={(e) => onChange({ image: e.target.value })}
        error={imageError}
        hint={labels.imageHint}
        autoComplete="off"
        spellCheck={false}
      />
      <LinesField
        label={labels.command}
        hint={labels.commandHint}
        value={values.command}
        onChange={(command) => onChange({ command })}
      />
      <LinesField
        label={labels.args}
        hint={labels.argsHint}
        value={values.args}
        onChange={(args) => onChange({ args })}
      />
      <TextField
        label={labels.workingDir}
        value={values.workingDir}
        onChange={(e) => onChange({ workingDir: e.target.value })}
        autoComplete="off"
      />
      <RowsEditor
        legend={labels.env}
        addLabel={labels.addEnv}
        columns={[
          { key: 'name', label: labels.envName },
          { key: 'value', label: labels.envValue },
        ]}
        rows={values.env}
        onChange={(env) => onChange({ env })}
      />
    </>
  );
}
