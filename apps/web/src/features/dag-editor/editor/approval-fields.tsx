'use client';

import { useId } from 'react';
import { TextField } from '@/components/ui/text-field';
import { useT } from '@/i18n/i18n-provider';
import type { ApproverRole, EditorApproval } from '../model/types';
import styles from './stage-drawer.module.css';
import { LinesField } from './workload-fields';

const ROLES: readonly ApproverRole[] = ['OWNER', 'ADMIN', 'DEVELOPER', 'VIEWER'];

/**
 * An approval gate's settings: how many approvals, who may give them, how long it
 * waits and what then, and the inputs approvers fill in (they become the stage's outputs).
 * `users` and `count` come as text, so a half-typed value stays as typed.
 */
export function ApprovalFields({
  approval,
  count,
  users,
  countError,
  onChange,
}: {
  approval: EditorApproval;
  count: string;
  users: string;
  countError?: string;
  onChange: (patch: { approval?: Partial<EditorApproval>; count?: string; users?: string }) => void;
}) {
  const t = useT();
  const id = useId();
  const set = (patch: Partial<EditorApproval>) => onChange({ approval: patch });
  const setInput = (index: number, patch: Partial<EditorApproval['inputs'][number]>) =>
    set({ inputs: approval.inputs.map((input, i) => (i === index ? { ...input, ...patch } : input)) });
  return (
    <>
      <p className={styles.hint}>{t('editor.drawer.approvalHint')}</p>
      <div className={styles.pair}>
        <TextField
          label={t('editor.drawer.approvalCount')}
          type="number"
          min={1}
          max={20}
          value={count}
          error={countError}
          onChange={(e) => onChange({ count: e.target.value })}
        />
        <TextField
          label={t('editor.drawer.approvalTimeout')}
          hint={t('editor.drawer.approvalTimeoutHint')}
          placeholder="24h"
          value={approval.timeout ?? ''}
          onChange={(e) => set({ timeout: e.target.value })}
          autoComplete="off"
        />
      </div>
      <div className={styles.field}>
        <label htmlFor={`${id}-on-timeout`} className={styles.label}>
          {t('editor.drawer.approvalOnTimeout')}
        </label>
        <select
          id={`${id}-on-timeout`}
          className={styles.input}
          value={approval.onTimeout}
          onChange={(e) => set({ onTimeout: e.target.value === 'SKIP' ? 'SKIP' : 'FAIL' })}
        >
          <option value="FAIL">{t('editor.drawer.approvalOnTimeout.FAIL')}</option>
          <option value="SKIP">{t('editor.drawer.approvalOnTimeout.SKIP')}</option>
        </select>
      </div>
      <fieldset className={styles.fieldset}>
        <legend className={styles.legend}>{t('editor.drawer.approvalRoles')}</legend>
        {ROLES.map((role) => (
          <label key={role} className={styles.checkbox}>
            <input
              type="checkbox"
              checked={approval.roles.includes(role)}
              onChange={(e) =>
                set({
                  roles: e.target.checked
                    ? ROLES.filter((r) => r === role || approval.roles.includes(r))
                    : approval.roles.filter((r) => r !== role),
                })
              }
            />
            <span>{t(`settings.role.${role}`)}</span>
          </label>
        ))}
        <p className={styles.hint}>{t('editor.drawer.approvalRolesHint')}</p>
      </fieldset>
      <LinesField
        label={t('editor.drawer.approvalUsers')}
        hint={t('editor.drawer.approvalUsersHint')}
        value={users}
        onChange={(value) => onChange({ users: value })}
      />
      <fieldset className={styles.fieldset}>
        <legend className={styles.legend}>{t('editor.drawer.approvalInputs')}</legend>
        {approval.inputs.map((input, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their position
          <div key={index} className={styles.row} style={{ gridTemplateColumns: '1fr 1.4fr auto auto' }}>
            <input
              className={styles.input}
              aria-label={t('editor.drawer.approvalInputName', { index: index + 1 })}
              placeholder="version"
              value={input.name}
              onChange={(e) => setInput(index, { name: e.target.value })}
              spellCheck={false}
            />
            <input
              className={styles.input}
              aria-label={t('editor.drawer.approvalInputDescription', { index: index + 1 })}
              placeholder={t('editor.drawer.approvalInputDescriptionPlaceholder')}
              value={input.description}
              onChange={(e) => setInput(index, { description: e.target.value })}
            />
            <label className={styles.checkbox}>
              <input
                type="checkbox"
                checked={input.required}
                onChange={(e) => setInput(index, { required: e.target.checked })}
              />
              <span>{t('editor.drawer.approvalInputRequired')}</span>
            </label>
            <button
              type="button"
              className={styles.removeRow}
              aria-label={t('editor.drawer.removeRow', {
                legend: t('editor.drawer.approvalInputs'),
                index: index + 1,
              })}
              onClick={() => set({ inputs: approval.inputs.filter((_, i) => i !== index) })}
            >
              ×
            </button>
          </div>
        ))}
        <button
          type="button"
          className={styles.addRow}
          onClick={() => set({ inputs: [...approval.inputs, { name: '', required: false, description: '' }] })}
        >
          + {t('editor.drawer.addApprovalInput')}
        </button>
      </fieldset>
    </>
  );
}
