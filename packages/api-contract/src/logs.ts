/** Documents of a run's log lines and the tenant's log search, sent by the web UI and the CLI alike. */
import { graphql, type ResultOf, type VariablesOf } from './graphql.js';

const LogLineFields = graphql(`
  fragment LogLineFields on LogLine {
    seq
    stage
    stream
    line
    timestamp
  }
`);
export type LogLine = ResultOf<typeof LogLineFields>;

/** Stored log lines of one stage, a page after `afterSeq`. */
export const StoredLogsDocument = graphql(
  `
  query StoredRunLogs($id: ID!, $stage: String!, $afterSeq: Int) {
    workflowRunLogs(id: $id, stage: $stage, afterSeq: $afterSeq) {
      ...LogLineFields
    }
  }
`,
  [LogLineFields],
);

/**
 * Stored lines after `afterSeq` (of one stage or all), then live ones, until the run has
 * ended: in batches, each the lines of one stage stored since the last.
 */
export const RunLogBatchesDocument = graphql(
  `
  subscription WorkflowRunLogBatches($id: ID!, $stage: String, $afterSeq: Int) {
    workflowRunLogBatches(id: $id, stage: $stage, afterSeq: $afterSeq) {
      ...LogLineFields
    }
  }
`,
  [LogLineFields],
);

/** A page of log search hits across the tenant's runs, newest first. */
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
