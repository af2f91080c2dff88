import { RunDashboard } from '@/features/runs/run-dashboard';

export default async function Page({
  params,
  searchParams,
}: {
  params: Promise<{ project: string; workflow: string; run: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { project, workflow, run } = await params;
  const { stage, line } = await searchParams;
  // `?stage=s&line=n` (a log search hit) opens that stage's log at that line.
  const focusStage = typeof stage === 'string' && stage ? stage : undefined;
  const focusLine = typeof line === 'string' && /^\d+$/.test(line) ? Number(line) : undefined;
  return (
    <RunDashboard
      project={decodeURIComponent(project)}
      workflow={decodeURIComponent(workflow)}
      runId={run}
      focus={focusStage ? { stage: focusStage, line: focusLine } : undefined}
    />
  );
}
