import { IntegrationDetailView } from '@/features/integrations/integration-detail-view';

export default async function Page({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  return <IntegrationDetailView name={decodeURIComponent(name)} />;
}
