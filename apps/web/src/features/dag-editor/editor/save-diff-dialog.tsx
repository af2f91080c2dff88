'use client';

import { Drawer } from '@/components/ui/drawer';
import { useT } from '@/i18n/i18n-provider';
import { type DiffLine, hasChanges } from '../model/diff';
import styles from './editor.module.css';

const MARK: Record<DiffLine['kind'], string> = { same: ' ', added: '+', removed: '-' };

/** What the save changed: previous version's stages against the new one's. */
export function SaveDiffDialog({
  result,
  onClose,
}: {
  result: { version: number; previousVersion?: number; diff: DiffLine[] } | undefined;
  onClose: () => void;
}) {
  const t = useT();
  if (!result) return null;
  const added = result.diff.filter((l) => l.kind === 'added').length;
  const removed = result.diff.filter((l) => l.kind === 'removed').length;
  return (
    <Drawer open title={t('editor.saved.title', { version: result.version })} onClose={onClose} width="40rem">
      <p className={styles.diffSummary}>
        {result.previousVersion
          ? t('editor.saved.summary', { previous: result.previousVersion, version: result.version, added, removed })
          : t('editor.saved.created', { version: result.version })}
      </p>
      {hasChanges(result.diff) ? (
        <pre className={styles.diff} title={t('editor.saved.diffLabel')}>
          {result.diff.map((line, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a static rendering of the diff
            <span key={index} className={styles.diffLine} data-kind={line.kind}>
              {MARK[line.kind]} {line.text}
              {'\n'}
            </span>
          ))}
        </pre>
      ) : (
        <p className={styles.diffSummary}>{t('editor.saved.noChanges')}</p>
      )}
    </Drawer>
  );
}
