import { RunDashboard } from '@/features/runs/run-dashboard';

export default async function Page({
  params,
}: {
  params: Promise<{ project: string; workflow: string; run: string }>;
}) {
  const { project, workflow, run } = await params;
  return <RunDashboard project={decodeURIComponent(project)} workflow={decodeURIComponent(workflow)} runId={run} />;
}
