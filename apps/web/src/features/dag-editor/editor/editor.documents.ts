/** GraphQL documents of the workflow editor (docs/contract.md §2); result types come from them. */
import { graphql, type ResultOf, type VariablesOf } from '@cyclone/api-contract';

export const StageFields = graphql(`
  fragment EditorStageFields on WorkflowStage {
    name
    image
    command
    args
    env {
      name
      value
    }
    workingDir
    dependsOn
    inputs {
      resources {
        name
        path
      }
      artifacts {
        name
        path
        source
      }
    }
    outputs {
      resources {
        name
        path
      }
      artifacts {
        name
        path
      }
    }
    trivial
    timeout
    retries
    template
    when
    finally
    caches {
      key
      paths
      restoreKeys
    }
    services {
      name
      image
      command
      args
      env {
        name
        value
      }
      readiness {
        command
        tcpPort
        timeout
      }
    }
    workflow {
      name
      parameters {
        name
        value
      }
    }
    matrix {
      name
      values
    }
    matrixFrom
    maxParallel
    delegation {
      type
      url
      config
    }
    approval {
      count
      roles
      users
      timeout
      onTimeout
      inputs {
        name
        required
        description
      }
    }
  }
`);

const WorkflowFields = graphql(
  `
  fragment EditorWorkflowFields on Workflow {
    id
    name
    description
    acceleration
    version
    globalVariables {
      name
      value
    }
    stages {
      ...EditorStageFields
    }
  }
`,
  [StageFields],
);
export type EditorWorkflow = ResultOf<typeof WorkflowFields>;

export const EditorWorkflowDocument = graphql(
  `
  query EditorWorkflow($tenant: String!, $project: String!, $name: String!) {
    workflow(tenant: $tenant, project: $project, name: $name) {
      ...EditorWorkflowFields
    }
  }
`,
  [WorkflowFields],
);
export type EditorWorkflowResult = ResultOf<typeof EditorWorkflowDocument>;

export const CreateWorkflowDocument = graphql(
  `
  mutation CreateEditorWorkflow($input: CreateWorkflowInput!) {
    createWorkflow(input: $input) {
      ...EditorWorkflowFields
    }
  }
`,
  [WorkflowFields],
);

export const UpdateWorkflowDocument = graphql(
  `
  mutation UpdateEditorWorkflow($input: UpdateWorkflowInput!) {
    updateWorkflow(input: $input) {
      ...EditorWorkflowFields
    }
  }
`,
  [WorkflowFields],
);

/** What the editor saves: createWorkflow and updateWorkflow take the same input. */
export type SaveWorkflowInput = VariablesOf<typeof CreateWorkflowDocument>['input'] &
  VariablesOf<typeof UpdateWorkflowDocument>['input'];

/** The fields of a template the editor makes stages from. */
const StageTemplateFields = graphql(`
  fragment StageTemplateFields on StageTemplate {
    id
    name
    description
    kind
    isBuiltin
    image
    command
    args
    env {
      name
      value
    }
    workingDir
    inputs {
      resources {
        name
        path
      }
      artifacts {
        name
        path
      }
    }
    outputs {
      resources {
        name
        path
      }
      artifacts {
        name
        path
      }
    }
    arguments {
      name
      value
      description
    }
    updatedAt
  }
`);
/** A template as the editor and the templates page show it; `arguments` are its `{{ name }}` placeholders. */
export type StageTemplateSummary = ResultOf<typeof StageTemplateFields>;

export const StageTemplatesDocument = graphql(
  `
  query EditorStageTemplates($tenant: String!) {
    stageTemplates(tenant: $tenant) {
      ...StageTemplateFields
    }
  }
`,
  [StageTemplateFields],
);
export type StageTemplatesResult = ResultOf<typeof StageTemplatesDocument>;

/** The template filled with arguments by the API, as a new stage gets it (no arguments left). */
export const FilledStageTemplateDocument = graphql(
  `
  query FilledStageTemplate($tenant: String!, $name: String!, $arguments: [NameValueInput!]) {
    filledStageTemplate(tenant: $tenant, name: $name, arguments: $arguments) {
      ...StageTemplateFields
    }
  }
`,
  [StageTemplateFields],
);
export type FilledStageTemplateResult = ResultOf<typeof FilledStageTemplateDocument>;

/** How each stage fared over the workflow's recent runs: painted onto the editor's nodes on request. */
export const WorkflowStageHealthDocument = graphql(`
  query WorkflowStageHealth($tenant: String!, $project: String!, $name: String!) {
    workflow(tenant: $tenant, project: $project, name: $name) {
      id
      stageHealth(lastRuns: 50) {
        stage
        runs
        failures
        flakes
        p50Seconds
        p95Seconds
        trend
      }
    }
  }
`);
export type StageHealthFigures = NonNullable<
  ResultOf<typeof WorkflowStageHealthDocument>['workflow']
>['stageHealth'][number];

/** Every version of a workflow with its stages: two are compared on the canvas. */
export const WorkflowVersionsDocument = graphql(
  `
  query WorkflowVersions($tenant: String!, $project: String!, $name: String!) {
    workflow(tenant: $tenant, project: $project, name: $name) {
      id
      version
      versions {
        version
        createdAt
        sourceRevision
        creator {
          email
        }
        stages {
          ...EditorStageFields
        }
      }
      triggers {
        name
        scm {
          workflowFromRevision
        }
      }
    }
  }
`,
  [StageFields],
);

/** `.cyclone.yaml` at a revision, compared with a stored version (pipelines as code). */
export const PipelineRevisionDocument = graphql(
  `
  query PipelineRevision($tenant: String!, $project: String!, $name: String!, $revision: String!) {
    workflow(tenant: $tenant, project: $project, name: $name) {
      id
      pipelineRevision(revision: $revision) {
        trigger
        repository
        revision
        branch
        path
        stages {
          ...EditorStageFields
        }
      }
    }
  }
`,
  [StageFields],
);
