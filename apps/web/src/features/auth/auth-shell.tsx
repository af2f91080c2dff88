'use client';

import type { ReactNode } from 'react';
import { LogoMark } from '@/components/icons';
import { LanguageSwitcher } from '@/features/shell/language-switcher';
import { useT } from '@/i18n/i18n-provider';
import styles from './login.module.css';

/** The signed-out pages' frame: the brand, a card titled "Sign in", the tagline and the language. */
export function AuthShell({ subtitle, children }: { subtitle?: string | null; children: ReactNode }) {
  const t = useT();
  return (
    <main className={styles.page}>
      <title>{`${t('auth.login.submit')} · ${t('app.name')}`}</title>
      <div className={styles.column}>
        <div className={styles.brand}>
          <LogoMark size={36} />
          <span className={styles.brandName}>{t('app.name')}</span>
        </div>
        <section className={styles.card} aria-labelledby="auth-title">
          <div className={styles.cardHeader}>
            <h1 id="auth-title" className={styles.title}>
              {t('auth.login.title')}
            </h1>
            {subtitle ? <p className={styles.subtitle}>{subtitle}</p> : null}
          </div>
          {children}
        </section>
        <div className={styles.footer}>
          <span>{t('app.tagline')}</span>
          <LanguageSwitcher compact />
        </div>
      </div>
    </main>
  );
}
