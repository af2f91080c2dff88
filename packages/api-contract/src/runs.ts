/** Fragments of runs and workflows that the web UI and the CLI both select. */
import { graphql } from './graphql.js';

/** A stage of a run as every view shows it: phase, attempt, exit, times and its matrix combination. */
export const StageRunFields = graphql(`
  fragment StageRunFields on StageRun {
    name
    phase
    attempt
    exitCode
    message
    startedAt
    finishedAt
    matrix {
      name
      value
    }
  }
`);

/** A workflow as a row of a list: its version, stages and latest run (the order `cyclone get workflows` prints). */
export const WorkflowRowFields = graphql(`
  fragment WorkflowRowFields on Workflow {
    name
    version
    description
    updatedAt
    stages {
      name
    }
    latestRun {
      number
      phase
      createdAt
    }
  }
`);
