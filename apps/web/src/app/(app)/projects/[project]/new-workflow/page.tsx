import { WorkflowEditorPage } from '@/features/dag-editor/editor/workflow-editor-page';

/** A new workflow; `?template=<name>` starts it with one stage made from that template. */
export default async function Page({
  params,
  searchParams,
}: {
  params: Promise<{ project: string }>;
  searchParams: Promise<{ template?: string | string[] }>;
}) {
  const { project } = await params;
  const { template } = await searchParams;
  return (
    <WorkflowEditorPage
      project={decodeURIComponent(project)}
      startTemplate={typeof template === 'string' ? template : undefined}
    />
  );
}
