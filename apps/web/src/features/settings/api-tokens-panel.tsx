'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Button } from '@/components/ui/button';
import { ErrorState } from '@/components/ui/error-state';
import { QueryTable } from '@/components/ui/query-table';
import { actionsColumn, mutationAction } from '@/components/ui/row-actions';
import { Section } from '@/components/ui/section';
import type { Column } from '@/components/ui/table';
import { dateTimeColumn } from '@/features/projects/date-time';
import { useI18n } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { useListMutation } from '@/lib/use-list-mutation';
import { CopyableValue, InlineMutationForm, SelectField } from './form-controls';
import {
  type ApiTokenRow,
  ApiTokensDocument,
  CreateApiTokenDocument,
  RevokeApiTokenDocument,
} from './settings.documents';
import styles from './settings.module.css';

const EXPIRY_DAYS = ['30', '90', '365', 'never'] as const;
type Expiry = (typeof EXPIRY_DAYS)[number];

function expiresAt(expiry: Expiry, now = Date.now()): string | undefined {
  return expiry === 'never' ? undefined : new Date(now + Number(expiry) * 86_400_000).toISOString();
}

/** Your API tokens for the CLI: create (the secret is shown once), list, revoke. */
export function ApiTokensPanel() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: queryKeys.settings.apiTokens,
    queryFn: ({ signal }) => request(ApiTokensDocument, undefined, { signal }),
  });
  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState<Expiry>('90');
  const [created, setCreated] = useState<{ name: string; token: string }>();
  const invalidate = () => queryClient.invalidateQueries({ queryKey: queryKeys.settings.apiTokens });

  const create = useMutation({
    mutationFn: () =>
      request(CreateApiTokenDocument, {
        input: { name: name.trim(), expiresAt: expiresAt(expiry) },
      }),
    onSuccess: (data) => {
      setCreated({ name: data.createApiToken.apiToken.name, token: data.createApiToken.token });
      setName('');
      void invalidate();
    },
  });
  const revoke = useListMutation(queryKeys.settings.apiTokens, (id: string) => request(RevokeApiTokenDocument, { id }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setCreated(undefined);
    create.mutate();
  };

  const columns: Column<ApiTokenRow>[] = [
    {
      id: 'name',
      header: t('settings.tokens.col.name'),
      sortValue: (r) => r.name,
      cell: (r) => <strong>{r.name}</strong>,
    },
    dateTimeColumn('created', t('settings.tokens.col.created'), (r) => r.createdAt),
    dateTimeColumn('lastUsed', t('settings.tokens.col.lastUsed'), (r) => r.lastUsedAt, t('settings.tokens.neverUsed')),
    dateTimeColumn('expires', t('settings.tokens.col.expires'), (r) => r.expiresAt, t('settings.tokens.noExpiry')),
    actionsColumn(t('settings.col.actions'), (r) => [
      mutationAction(revoke, r.id, {
        label: t('settings.tokens.revoke'),
        ariaLabel: t('settings.tokens.revokeNamed', { name: r.name }),
        confirm: t('settings.tokens.revokeConfirm', { name: r.name }),
      }),
    ]),
  ];

  return (
    <Section id="tokens-title" title={t('settings.tokens.title')} hint={t('settings.tokens.hint')}>
      <InlineMutationForm
        label={t('settings.tokens.createTitle')}
        submitLabel={t('settings.tokens.create')}
        mutation={create}
        onSubmit={submit}
        field={{ label: t('settings.tokens.name'), placeholder: 'ci', value: name, onChange: setName }}
      >
        <SelectField
          label={t('settings.tokens.expiry')}
          value={expiry}
          onChange={(event) => setExpiry(event.target.value as Expiry)}
          options={EXPIRY_DAYS.map((value) => ({
            value,
            label:
              value === 'never' ? t('settings.tokens.expiryNever') : t('settings.tokens.expiryDays', { days: value }),
          }))}
        />
      </InlineMutationForm>
      {created ? (
        <div className={styles.secretReveal} role="status">
          <p className={styles.secretRevealTitle}>{t('settings.tokens.createdTitle', { name: created.name })}</p>
          <p className={styles.muted}>{t('settings.tokens.createdHint')}</p>
          <CopyableValue value={created.token} label={t('settings.tokens.copy')} />
          <div>
            <Button size="sm" variant="ghost" onClick={() => setCreated(undefined)}>
              {t('settings.tokens.dismiss')}
            </Button>
          </div>
        </div>
      ) : null}
      <QueryTable
        query={query}
        loadFailed={t('settings.tokens.loadFailed')}
        caption={t('settings.tokens.title')}
        columns={columns}
        rows={query.data?.apiTokens ?? []}
        rowKey={(r) => r.id}
        empty={{ title: t('settings.tokens.emptyTitle'), description: t('settings.tokens.emptyBody') }}
      />
      <ErrorState title={t('settings.tokens.revokeFailed')} error={revoke.error} />
    </Section>
  );
}
