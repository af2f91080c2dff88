import { cookies, headers } from 'next/headers';
import { isLocale, LOCALE_COOKIE, type Locale, negotiateLocale } from './locales';

/** The language for a server render: the user's explicit choice, else the browser's preference. */
export async function getRequestLocale(): Promise<Locale> {
  const chosen = (await cookies()).get(LOCALE_COOKIE)?.value;
  if (isLocale(chosen)) return chosen;
  return negotiateLocale((await headers()).get('accept-language'));
}
