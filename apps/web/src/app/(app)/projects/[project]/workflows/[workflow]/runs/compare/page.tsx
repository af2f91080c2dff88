import { RunCompare } from '@/features/runs/run-compare';

export default async function Page({
  params,
  searchParams,
}: {
  params: Promise<{ project: string; workflow: string }>;
  searchParams: Promise<{ a?: string; b?: string }>;
}) {
  const [{ project, workflow }, { a, b }] = await Promise.all([params, searchParams]);
  return (
    <RunCompare project={decodeURIComponent(project)} workflow={decodeURIComponent(workflow)} a={a ?? ''} b={b ?? ''} />
  );
}
