'use client';

import { SignOutIcon } from '@/components/icons';
import { Button } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/page-header';
import { useCurrentUser } from '@/features/auth/auth-guard';
import { useSignOut } from '@/features/auth/session';
import { useT } from '@/i18n/i18n-provider';
import styles from './account.module.css';
import { ChangePasswordPanel } from './change-password-panel';
import { SessionsPanel } from './sessions-panel';

/** User menu → Account: your password, where you are signed in, and signing out (revoked on the server). */
export function AccountView() {
  const t = useT();
  const user = useCurrentUser();
  const signOut = useSignOut();
  return (
    <>
      <PageHeader
        title={t('account.title')}
        breadcrumbs={[{ label: t('breadcrumbs.home'), href: '/' }]}
        description={t('account.description', { email: user.email })}
        actions={
          <Button icon={<SignOutIcon />} onClick={() => void signOut()}>
            {t('account.signOut')}
          </Button>
        }
      />
      <div className={styles.sections}>
        <ChangePasswordPanel />
        <SessionsPanel />
      </div>
    </>
  );
}
