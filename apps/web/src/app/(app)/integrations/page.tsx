import { IntegrationsView } from '@/features/integrations/integrations-view';

export default function Page() {
  return <IntegrationsView />;
}
