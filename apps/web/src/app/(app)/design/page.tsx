import { DesignView } from '@/features/design/design-view';

export default function Page() {
  return <DesignView />;
}
