import { ResourceTypesView } from '@/features/resources/resource-types-view';

export default function Page() {
  return <ResourceTypesView />;
}
