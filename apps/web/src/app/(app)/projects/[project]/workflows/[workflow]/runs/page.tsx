import { RunsList } from '@/features/runs/runs-list';

export default async function Page({ params }: { params: Promise<{ project: string; workflow: string }> }) {
  const { project, workflow } = await params;
  return <RunsList project={decodeURIComponent(project)} workflow={decodeURIComponent(workflow)} />;
}
