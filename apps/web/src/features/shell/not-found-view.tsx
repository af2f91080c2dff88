'use client';

import { LinkButton } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { useT } from '@/i18n/i18n-provider';

export function NotFoundView() {
  const t = useT();
  return (
    <main style={{ maxWidth: 560, margin: '15vh auto', padding: '0 1rem' }}>
      <title>{`${t('errors.notFound.title')} · ${t('app.name')}`}</title>
      <EmptyState
        title={t('errors.notFound.title')}
        description={t('errors.notFound.body')}
        action={
          <LinkButton href="/" variant="primary">
            {t('errors.notFound.back')}
          </LinkButton>
        }
      />
    </main>
  );
}
