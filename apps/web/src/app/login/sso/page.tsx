import { SsoCallbackView } from '@/features/auth/sso-callback-view';

/** Where the single sign-on provider sends the browser back (CYCLONE_OIDC_REDIRECT_URL). */
export default function SsoCallbackPage() {
  return <SsoCallbackView />;
}
