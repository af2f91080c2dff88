import { VersionCompare } from '@/features/dag-editor/editor/version-compare';

const versionOf = (value: string | undefined) => (value && /^\d+$/.test(value) ? Number(value) : undefined);

export default async function Page({
  params,
  searchParams,
}: {
  params: Promise<{ project: string; workflow: string }>;
  searchParams: Promise<{ from?: string; to?: string; revision?: string }>;
}) {
  const [{ project, workflow }, { from, to, revision }] = await Promise.all([params, searchParams]);
  return (
    <VersionCompare
      project={decodeURIComponent(project)}
      workflow={decodeURIComponent(workflow)}
      from={versionOf(from)}
      to={versionOf(to)}
      revision={revision?.trim() || undefined}
    />
  );
}
