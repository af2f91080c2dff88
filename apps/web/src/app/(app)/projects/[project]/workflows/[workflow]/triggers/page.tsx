import { TriggersView } from '@/features/triggers/triggers-view';

export default async function Page({ params }: { params: Promise<{ project: string; workflow: string }> }) {
  const { project, workflow } = await params;
  return <TriggersView project={decodeURIComponent(project)} workflow={decodeURIComponent(workflow)} />;
}
