/** Addresses of the log search (its document, SearchLogsDocument, is shared with the CLI in @cyclone/api-contract). */
import type { LogSearchHit } from '@cyclone/api-contract';

/** The run page with the hit's stage open at its line (run-dashboard.tsx reads `stage` and `line`). */
export function hitHref(hit: Pick<LogSearchHit, 'run' | 'stage' | 'seq'>): string {
  const { run } = hit;
  const params = new URLSearchParams({ stage: hit.stage, line: String(hit.seq) });
  return `/projects/${encodeURIComponent(run.projectName)}/workflows/${encodeURIComponent(run.workflow.name)}/runs/${run.id}?${params}`;
}
