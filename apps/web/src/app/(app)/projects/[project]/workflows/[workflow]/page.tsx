import { WorkflowEditorPage } from '@/features/dag-editor/editor/workflow-editor-page';

export default async function Page({ params }: { params: Promise<{ project: string; workflow: string }> }) {
  const { project, workflow } = await params;
  return <WorkflowEditorPage project={decodeURIComponent(project)} workflow={decodeURIComponent(workflow)} />;
}
