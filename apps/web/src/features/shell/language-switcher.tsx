'use client';

import { useId } from 'react';
import { LanguageIcon } from '@/components/icons';
import { useI18n } from '@/i18n/i18n-provider';
import { isLocale, LOCALES } from '@/i18n/locales';
import styles from './language-switcher.module.css';

/** A labelled language picker; the choice is remembered in a cookie. */
export function LanguageSwitcher({ compact = false }: { compact?: boolean }) {
  const { locale, setLocale, t } = useI18n();
  const id = useId();
  return (
    <div className={styles.switcher} data-compact={compact || undefined}>
      <label htmlFor={id} className={compact ? 'visually-hidden' : styles.label}>
        {t('language.label')}
      </label>
      <div className={styles.selectWrap}>
        <LanguageIcon size={14} className={styles.icon} />
        <select
          id={id}
          className={styles.select}
          value={locale}
          onChange={(event) => {
            if (isLocale(event.target.value)) setLocale(event.target.value);
          }}
        >
          {LOCALES.map((value) => (
            <option key={value} value={value}>
              {t(`language.${value}`)}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
