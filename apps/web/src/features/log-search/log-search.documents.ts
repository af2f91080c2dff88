/** GraphQL documents of the log search; result types come from them. */
import { graphql, type ResultOf, type VariablesOf } from '@/lib/graphql/graphql';

export const SearchLogsDocument = graphql(`
  query SearchLogs(
    $tenant: String!
    $query: String!
    $project: String
    $workflow: String
    $since: DateTime
    $first: Int
    $after: String
  ) {
    searchLogs(
      tenant: $tenant
      query: $query
      project: $project
      workflow: $workflow
      since: $since
      first: $first
      after: $after
    ) {
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          run {
            id
            number
            projectName
            workflow {
              name
            }
          }
          stage
          seq
          line
          timestamp
        }
      }
    }
  }
`);
export type LogSearchHit = ResultOf<typeof SearchLogsDocument>['searchLogs']['edges'][number]['node'];
export type SearchLogsVariables = VariablesOf<typeof SearchLogsDocument>;

/** The run page with the hit's stage open at its line (run-dashboard.tsx reads `stage` and `line`). */
export function hitHref(hit: Pick<LogSearchHit, 'run' | 'stage' | 'seq'>): string {
  const { run } = hit;
  const params = new URLSearchParams({ stage: hit.stage, line: String(hit.seq) });
  return `/projects/${encodeURIComponent(run.projectName)}/workflows/${encodeURIComponent(run.workflow.name)}/runs/${run.id}?${params}`;
}
