'use client';

import type { ReactNode } from 'react';
import { I18nProvider } from '@/i18n/i18n-provider';
import type { Locale } from '@/i18n/locales';
import { QueryProvider } from './query-provider';

export function Providers({ locale, children }: { locale: Locale; children: ReactNode }) {
  return (
    <I18nProvider initialLocale={locale}>
      <QueryProvider>{children}</QueryProvider>
    </I18nProvider>
  );
}
