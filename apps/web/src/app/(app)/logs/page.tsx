import { LogSearchView } from '@/features/log-search/log-search-view';
import { readSearchState } from '@/features/log-search/search-state';

export default async function Page({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  return <LogSearchView state={readSearchState(await searchParams)} />;
}
