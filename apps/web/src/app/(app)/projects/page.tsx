import { ProjectsView } from '@/features/projects/projects-view';

export default function Page() {
  return <ProjectsView />;
}
