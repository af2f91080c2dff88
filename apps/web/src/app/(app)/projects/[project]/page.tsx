import { ProjectView } from '@/features/projects/project-view';

export default async function Page({ params }: { params: Promise<{ project: string }> }) {
  const { project } = await params;
  return <ProjectView project={decodeURIComponent(project)} />;
}
