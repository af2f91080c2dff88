'use client';

import { useId } from 'react';
import { TextField } from '@/components/ui/text-field';
import { useT } from '@/i18n/i18n-provider';
import type { ApproverRole, EditorApproval } from '../model/types';
import { CheckboxRow, DrawerField } from './drawer-fields';
import { RequiredRows } from './required-rows';
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
      <DrawerField id={`${id}-on-timeout`} label={t('editor.drawer.approvalOnTimeout')}>
        <select
          id={`${id}-on-timeout`}
          className={styles.input}
          value={approval.onTimeout}
          onChange={(e) => set({ onTimeout: e.target.value === 'SKIP' ? 'SKIP' : 'FAIL' })}
        >
          <option value="FAIL">{t('editor.drawer.approvalOnTimeout.FAIL')}</option>
          <option value="SKIP">{t('editor.drawer.approvalOnTimeout.SKIP')}</option>
        </select>
      </DrawerField>
      <fieldset className={styles.fieldset}>
        <legend className={styles.legend}>{t('editor.drawer.approvalRoles')}</legend>
        {ROLES.map((role) => (
          <CheckboxRow
            key={role}
            label={t(`settings.role.${role}`)}
            checked={approval.roles.includes(role)}
            onChange={(checked) =>
              set({
                roles: checked
                  ? ROLES.filter((r) => r === role || approval.roles.includes(r))
                  : approval.roles.filter((r) => r !== role),
              })
            }
          />
        ))}
        <p className={styles.hint}>{t('editor.drawer.approvalRolesHint')}</p>
      </fieldset>
      <LinesField
        label={t('editor.drawer.approvalUsers')}
        hint={t('editor.drawer.approvalUsersHint')}
        value={users}
        onChange={(value) => onChange({ users: value })}
      />
      <RequiredRows
        rows={approval.inputs}
        onChange={(inputs) => set({ inputs })}
        text={{
          legend: t('editor.drawer.approvalInputs'),
          name: (index) => t('editor.drawer.approvalInputName', { index }),
          namePlaceholder: 'version',
          description: (index) => t('editor.drawer.approvalInputDescription', { index }),
          descriptionPlaceholder: t('editor.drawer.approvalInputDescriptionPlaceholder'),
          required: t('editor.drawer.approvalInputRequired'),
          add: t('editor.drawer.addApprovalInput'),
        }}
      />
    </>
  );
}
