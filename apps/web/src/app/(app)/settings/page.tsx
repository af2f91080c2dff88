import { SettingsView } from '@/features/settings/settings-view';

export default function Page() {
  return <SettingsView />;
}
