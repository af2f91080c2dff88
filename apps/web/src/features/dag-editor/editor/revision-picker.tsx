'use client';

import { type FormEvent, useState } from 'react';
import { Button } from '@/components/ui/button';
import { useT } from '@/i18n/i18n-provider';
import styles from './version-compare.module.css';

const REVISION = 'revision';

/**
 * The newer side of a comparison: a stored version, or (for a workflow whose
 * pipelines-as-code trigger reads `.cyclone.yaml`) a revision typed as a commit SHA
 * or a branch, which need not have run.
 */
export function RevisionPicker({
  versions,
  to,
  fromRepository,
  onPick,
}: {
  versions: { version: number; sourceRevision?: string | null }[];
  to: number | { revision: string };
  fromRepository: boolean;
  onPick: (to: number | { revision: string }) => void;
}) {
  const t = useT();
  const current = typeof to === 'number' ? undefined : to.revision;
  const [typing, setTyping] = useState(current !== undefined);
  const [draft, setDraft] = useState(current ?? '');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (draft.trim()) onPick({ revision: draft.trim() });
  };
  return (
    <>
      <label className={styles.picker}>
        {t('versions.to')}
        <select
          aria-label={t('versions.to')}
          value={typing ? REVISION : String(to)}
          onChange={(event) => {
            if (event.target.value === REVISION) return setTyping(true);
            setTyping(false);
            onPick(Number(event.target.value));
          }}
        >
          {versions.map((version) => (
            <option key={version.version} value={version.version}>
              v{version.version}
              {version.sourceRevision ? ` · ${version.sourceRevision.slice(0, 8)}` : ''}
            </option>
          ))}
          {fromRepository || current !== undefined ? (
            <option value={REVISION}>{t('versions.revisionOption')}</option>
          ) : null}
        </select>
      </label>
      {typing ? (
        <form className={styles.revisionForm} onSubmit={submit}>
          <input
            className={styles.revisionInput}
            aria-label={t('versions.revision')}
            title={t('versions.revisionHint')}
            placeholder={t('versions.revisionHint')}
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
          />
          <Button type="submit" size="sm" disabled={!draft.trim()}>
            {t('versions.compare')}
          </Button>
        </form>
      ) : null}
    </>
  );
}
