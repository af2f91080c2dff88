'use client';

import { useId, useRef } from 'react';
import { useT } from '@/i18n/i18n-provider';
import type { YamlProblem } from '../model/yaml-doc';
import styles from './editor.module.css';

/**
 * The workflow as Cyclone YAML (Stage and Workflow documents), printed from the graph.
 * Switching back to the graph reads it in the browser; nothing is saved until Save.
 */
export function YamlPanel({
  value,
  problems,
  loading,
  onChange,
}: {
  value: string;
  problems: readonly YamlProblem[];
  loading: boolean;
  onChange: (value: string) => void;
}) {
  const t = useT();
  const id = useId();
  const text = useRef<HTMLTextAreaElement>(null);

  /** Selects a line of the text so the user lands on the problem. */
  const goToLine = (line: number) => {
    const area = text.current;
    if (!area) return;
    const lines = area.value.split('\n');
    const start = lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0);
    area.focus();
    area.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
    const lineHeight = area.scrollHeight / Math.max(lines.length, 1);
    area.scrollTop = Math.max(0, (line - 3) * lineHeight);
  };

  return (
    <div className={styles.yaml}>
      <div className={styles.yamlHead}>
        <label htmlFor={id} className={styles.panelTitle}>
          {t('editor.yaml.label')}
        </label>
        <p className={styles.yamlHint}>{t('editor.yaml.hint')}</p>
      </div>
      {problems.length > 0 ? (
        <ul className={styles.yamlError} role="alert" aria-label={t('editor.yaml.problems')}>
          {problems.map((problem, index) =>
            problem.line ? (
              // biome-ignore lint/suspicious/noArrayIndexKey: problems have no identity
              <li key={index}>
                <button type="button" className={styles.yamlLine} onClick={() => goToLine(problem.line as number)}>
                  {t('editor.yaml.line', { line: problem.line })}
                </button>{' '}
                {problem.message}
              </li>
            ) : (
              // biome-ignore lint/suspicious/noArrayIndexKey: problems have no identity
              <li key={index}>{problem.message}</li>
            ),
          )}
        </ul>
      ) : null}
      <textarea
        ref={text}
        id={id}
        className={styles.yamlText}
        value={value}
        readOnly={loading}
        aria-busy={loading || undefined}
        spellCheck={false}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={problems.length > 0 ? true : undefined}
      />
    </div>
  );
}
