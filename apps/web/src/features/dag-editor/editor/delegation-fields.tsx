'use client';

import { useId } from 'react';
import { TextField } from '@/components/ui/text-field';
import { useT } from '@/i18n/i18n-provider';
import type { EditorDelegation } from '../model/types';
import { DrawerField } from './drawer-fields';
import styles from './stage-drawer.module.css';

/**
 * A delegated stage's settings: the kind of system, the URL Cyclone POSTs the work to,
 * and the config sent along. The config comes as text, so half-typed JSON stays as typed
 * (the drawer refuses to apply it until it parses).
 */
export function DelegationFields({
  delegation,
  config,
  urlError,
  configError,
  onChange,
}: {
  delegation: EditorDelegation;
  config: string;
  urlError?: string;
  configError?: string;
  onChange: (patch: { delegation?: Partial<EditorDelegation>; config?: string }) => void;
}) {
  const t = useT();
  const id = useId();
  const hintId = `${id}-config-hint`;
  const errorId = `${id}-config-error`;
  return (
    <>
      <p className={styles.hint}>{t('editor.drawer.delegationHint')}</p>
      <TextField
        label={t('editor.drawer.delegationType')}
        hint={t('editor.drawer.delegationTypeHint')}
        placeholder="Jenkins"
        value={delegation.type}
        maxLength={63}
        onChange={(e) => onChange({ delegation: { type: e.target.value } })}
        autoComplete="off"
      />
      <TextField
        label={t('editor.drawer.delegationUrl')}
        placeholder="https://jenkins.example.com/cyclone-hook"
        inputMode="url"
        value={delegation.url}
        error={urlError}
        onChange={(e) => onChange({ delegation: { url: e.target.value } })}
        autoComplete="off"
        spellCheck={false}
      />
      <DrawerField id={`${id}-config`} label={t('editor.drawer.delegationConfig')}>
        <textarea
          id={`${id}-config`}
          className={styles.textarea}
          rows={Math.min(10, Math.max(3, config.split('\n').length))}
          placeholder='{"job": "release"}'
          value={config}
          onChange={(e) => onChange({ config: e.target.value })}
          aria-invalid={configError ? true : undefined}
          aria-describedby={configError ? `${hintId} ${errorId}` : hintId}
          spellCheck={false}
        />
        <p id={hintId} className={styles.hint}>
          {t('editor.drawer.delegationConfigHint')}
        </p>
        {configError ? (
          <p id={errorId} className={styles.error}>
            {configError}
          </p>
        ) : null}
      </DrawerField>
    </>
  );
}
