import { AccountView } from '@/features/account/account-view';

export default function Page() {
  return <AccountView />;
}
