import { WorkflowsView } from '@/features/workflows/workflows-view';

export default function Page() {
  return <WorkflowsView />;
}
