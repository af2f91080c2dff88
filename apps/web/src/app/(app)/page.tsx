import { OverviewView } from '@/features/overview/overview-view';

export default function Page() {
  return <OverviewView />;
}
