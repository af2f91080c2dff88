import { TemplatesView } from '@/features/templates/templates-view';

export default function Page() {
  return <TemplatesView />;
}
