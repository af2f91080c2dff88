import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { getRequestLocale } from '@/i18n/server';
import { Providers } from '@/lib/providers';
import '@/styles/globals.css';

export const metadata: Metadata = {
  // Pages set their own <title> (translated) from the client; see PageHeader.
  applicationName: 'Cyclone',
  description: 'Kubernetes-native CI/CD workflows',
};

export const viewport: Viewport = {
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#f7f8fa' },
    { media: '(prefers-color-scheme: dark)', color: '#0f1115' },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const locale = await getRequestLocale();
  return (
    <html lang={locale}>
      <body>
        <Providers locale={locale}>{children}</Providers>
      </body>
    </html>
  );
}
