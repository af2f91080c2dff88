'use client';

import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { ProjectsIcon } from '@/components/icons';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { SkeletonText } from '@/components/ui/skeleton';
import { TextField } from '@/components/ui/text-field';
import { useT } from '@/i18n/i18n-provider';
import { useCurrentTenant } from '@/lib/current-tenant';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { CreateTenantDocument } from './projects.documents';
import styles from './projects.module.css';

/**
 * Renders its children with the current tenant; while tenants load it shows a skeleton,
 * and with no tenant at all it offers to create the first one.
 */
export function TenantRequired({ children }: { children: (tenant: string) => ReactNode }) {
  const t = useT();
  const current = useCurrentTenant();
  if (current.isLoading) return <SkeletonText lines={4} />;
  if (current.error)
    return <ErrorState title={t('tenant.loadFailed')} error={current.error} onRetry={current.refetch} />;
  if (!current.tenant) return <CreateFirstTenant />;
  return <>{children(current.tenant)}</>;
}

function CreateFirstTenant() {
  const t = useT();
  const queryClient = useQueryClient();
  const { setTenant } = useCurrentTenant();
  const [name, setName] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await request(CreateTenantDocument, { input: { name: name.trim() } });
      setTenant(name.trim());
      await queryClient.invalidateQueries({ queryKey: queryKeys.tenants.all });
    } catch (cause) {
      setError(cause instanceof Error ? cause.message : t('errors.generic'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <EmptyState
      icon={<ProjectsIcon size={20} />}
      title={t('tenant.createFirstTitle')}
      description={t('tenant.createFirstBody')}
      action={
        <form className={styles.inlineForm} onSubmit={submit}>
          <TextField
            label={t('tenant.nameLabel')}
            value={name}
            onChange={(event) => setName(event.target.value)}
            error={error}
            required
            autoComplete="off"
          />
          <Button type="submit" variant="primary" loading={busy}>
            {t('tenant.create')}
          </Button>
        </form>
      }
    />
  );
}
