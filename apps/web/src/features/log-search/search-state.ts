/** What the log search page keeps in its address, so a search can be shared and reloaded. */
export interface SearchState {
  query: string;
  project: string;
  workflow: string;
  /** One of SINCE_OPTIONS, or '' for any time. */
  since: SinceOption | '';
}

export const SINCE_OPTIONS = ['1h', '24h', '7d', '30d'] as const;
export type SinceOption = (typeof SINCE_OPTIONS)[number];
const SINCE_MS: Record<SinceOption, number> = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};

type Params = Record<string, string | string[] | undefined>;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? '';

export function readSearchState(params: Params): SearchState {
  const since = first(params.since);
  return {
    query: first(params.q),
    project: first(params.project),
    workflow: first(params.workflow),
    since: (SINCE_OPTIONS as readonly string[]).includes(since) ? (since as SinceOption) : '',
  };
}

/** `/logs?q=…` with only the fields that are set. */
export function searchHref(state: SearchState): string {
  const params = new URLSearchParams();
  if (state.query.trim()) params.set('q', state.query.trim());
  if (state.project) params.set('project', state.project);
  if (state.workflow.trim()) params.set('workflow', state.workflow.trim());
  if (state.since) params.set('since', state.since);
  const text = params.toString();
  return text ? `/logs?${text}` : '/logs';
}

/** The instant a relative `since` starts at, as the API takes it. */
export function sinceInstant(since: SinceOption | '', now: number): string | undefined {
  return since ? new Date(now - SINCE_MS[since]).toISOString() : undefined;
}
