'use client';

import { useEffect, useId, useRef, useState } from 'react';
import { ChevronUpDownIcon, SignOutIcon } from '@/components/icons';
import { Button, LinkButton } from '@/components/ui/button';
import { useCurrentUser } from '@/features/auth/auth-guard';
import { useSignOut } from '@/features/auth/session';
import { useT } from '@/i18n/i18n-provider';
import { LanguageSwitcher } from './language-switcher';
import styles from './shell.module.css';

function initials(nameOrEmail: string): string {
  const words = nameOrEmail.split(/[\s@._-]+/).filter(Boolean);
  return (words.length > 1 ? `${words[0]?.[0]}${words[1]?.[0]}` : nameOrEmail.slice(0, 2)).toUpperCase();
}

/** Bottom-left account menu: who is signed in, language, sign out. */
export function UserMenu() {
  const t = useT();
  const user = useCurrentUser();
  const signOut = useSignOut();
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelId = useId();
  const displayName = user.name?.trim() || user.email;

  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    document.addEventListener('pointerdown', onPointerDown);
    document.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('pointerdown', onPointerDown);
      document.removeEventListener('keydown', onKeyDown);
    };
  }, [open]);

  return (
    <div className={styles.userMenu} ref={rootRef}>
      {open ? (
        <div id={panelId} className={styles.userPanel}>
          <div className={styles.userPanelHeader}>
            <span className={styles.userPanelCaption}>{t('userMenu.signedInAs')}</span>
            <span className={styles.userPanelEmail}>{user.email}</span>
          </div>
          <div className={styles.userPanelSection}>
            <LanguageSwitcher />
          </div>
          <div className={styles.userPanelSection}>
            <LinkButton variant="ghost" size="sm" fullWidth href="/account" onClick={() => setOpen(false)}>
              {t('account.userMenuLink')}
            </LinkButton>
            <LinkButton variant="ghost" size="sm" fullWidth href="/settings" onClick={() => setOpen(false)}>
              {t('settings.userMenuLink')}
            </LinkButton>
          </div>
          <div className={styles.userPanelSection}>
            <Button
              variant="ghost"
              size="sm"
              fullWidth
              icon={<SignOutIcon />}
              onClick={() => void signOut()}
              className={styles.signOut}
            >
              {t('userMenu.signOut')}
            </Button>
          </div>
        </div>
      ) : null}
      <button
        ref={buttonRef}
        type="button"
        className={styles.userButton}
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        aria-label={t('userMenu.label', { name: displayName })}
        onClick={() => setOpen((value) => !value)}
      >
        <span className={styles.avatar} aria-hidden="true">
          {initials(displayName)}
        </span>
        <span className={styles.userText}>
          <span className={styles.userName}>{displayName}</span>
          {user.name ? <span className={styles.userEmail}>{user.email}</span> : null}
        </span>
        <ChevronUpDownIcon size={14} className={styles.userChevron} />
      </button>
    </div>
  );
}
