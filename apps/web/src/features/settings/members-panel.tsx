'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { TenantIcon } from '@/components/icons';
import { ErrorState } from '@/components/ui/error-state';
import { QueryTable } from '@/components/ui/query-table';
import { actionsColumn, mutationAction } from '@/components/ui/row-actions';
import { Section } from '@/components/ui/section';
import type { Column } from '@/components/ui/table';
import { useCurrentUser } from '@/features/auth/auth-guard';
import { dateTimeColumn } from '@/features/projects/date-time';
import { useI18n, useT } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { useListMutation } from '@/lib/use-list-mutation';
import { InlineMutationForm, SelectField } from './form-controls';
import { assignableRoles, canAdminister } from './roles';
import {
  AddMemberDocument,
  type MemberRow,
  MembersDocument,
  RemoveMemberDocument,
  type TenantRole,
  UpdateMemberDocument,
} from './settings.documents';
import styles from './settings.module.css';

/** Members of the tenant: everyone can see them, ADMIN and up manage them. */
export function MembersPanel({ tenant }: { tenant: string }) {
  const { t } = useI18n();
  const me = useCurrentUser();
  const queryClient = useQueryClient();
  const key = queryKeys.settings.members(tenant);
  const query = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => request(MembersDocument, { tenant }, { signal }),
  });
  const myRole = query.data?.tenant?.myRole ?? null;
  const canManage = canAdminister(myRole);
  const roles = assignableRoles(myRole);
  const roleLabel = (role: TenantRole) => t(`settings.role.${role}`);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: key });

  const changeRole = useListMutation(key, (input: { email: string; role: TenantRole }) =>
    request(UpdateMemberDocument, { input: { tenant, ...input } }),
  );
  const remove = useListMutation(key, (email: string) => request(RemoveMemberDocument, { input: { tenant, email } }));

  const columns: Column<MemberRow>[] = [
    {
      id: 'user',
      header: t('settings.members.col.user'),
      sortValue: (m) => m.user.name || m.user.email,
      cell: (m) => (
        <span className={styles.userCell}>
          <span className={styles.userName}>
            {m.user.name || m.user.email}
            {m.user.id === me.id ? <span className={styles.muted}> {t('settings.members.you')}</span> : null}
          </span>
          {m.user.name ? <span className={styles.muted}>{m.user.email}</span> : null}
        </span>
      ),
    },
    {
      id: 'role',
      header: t('settings.members.col.role'),
      sortValue: (m) => m.role,
      cell: (m) =>
        canManage && (roles.includes(m.role) || myRole === 'OWNER') ? (
          <select
            className={styles.roleSelect}
            aria-label={t('settings.members.roleOf', { email: m.user.email })}
            value={m.role}
            disabled={changeRole.isPending && changeRole.variables?.email === m.user.email}
            onChange={(event) => changeRole.mutate({ email: m.user.email, role: event.target.value as TenantRole })}
          >
            {roles.map((role) => (
              <option key={role} value={role}>
                {roleLabel(role)}
              </option>
            ))}
          </select>
        ) : (
          roleLabel(m.role)
        ),
    },
    dateTimeColumn('since', t('settings.members.col.since'), (m) => m.createdAt),
    ...(canManage
      ? [
          actionsColumn(t('settings.col.actions'), (m: MemberRow) => [
            mutationAction(remove, m.user.email, {
              label: t('settings.members.remove'),
              ariaLabel: t('settings.members.removeNamed', { email: m.user.email }),
              confirm: t('settings.members.removeConfirm', { email: m.user.email, tenant }),
            }),
          ]),
        ]
      : []),
  ];

  return (
    <Section id="members-title" title={t('settings.members.title')} hint={t('settings.members.hint', { tenant })}>
      {canManage ? <AddMemberForm tenant={tenant} roles={roles} onAdded={invalidate} /> : null}
      {!canManage && query.data ? <p className={styles.notice}>{t('settings.members.readOnly')}</p> : null}
      <QueryTable
        query={query}
        loadFailed={t('settings.members.loadFailed')}
        caption={t('settings.members.title')}
        columns={columns}
        rows={query.data?.tenant?.members ?? []}
        rowKey={(m) => m.user.id}
        initialSort={{ columnId: 'user', direction: 'ascending' }}
        empty={{
          icon: <TenantIcon size={20} />,
          title: t('settings.members.emptyTitle'),
          description: t('settings.members.emptyBody'),
        }}
      />
      <ErrorState title={t('settings.members.changeFailed')} error={changeRole.error} />
      <ErrorState title={t('settings.members.removeFailed')} error={remove.error} />
    </Section>
  );
}

function AddMemberForm({ tenant, roles, onAdded }: { tenant: string; roles: TenantRole[]; onAdded: () => void }) {
  const t = useT();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<TenantRole>('DEVELOPER');
  const add = useMutation({
    mutationFn: () => request(AddMemberDocument, { input: { tenant, email: email.trim(), role } }),
    onSuccess: () => {
      setEmail('');
      onAdded();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate();
  };
  return (
    <InlineMutationForm
      label={t('settings.members.addTitle')}
      submitLabel={t('settings.members.add')}
      mutation={add}
      onSubmit={submit}
      field={{
        label: t('settings.members.email'),
        type: 'email',
        value: email,
        onChange: setEmail,
        placeholder: 'dev@example.com',
        hint: t('settings.members.emailHint'),
      }}
    >
      <SelectField
        label={t('settings.members.role')}
        value={role}
        onChange={(event) => setRole(event.target.value as TenantRole)}
        options={roles.map((value) => ({ value, label: t(`settings.role.${value}`) }))}
      />
    </InlineMutationForm>
  );
}
