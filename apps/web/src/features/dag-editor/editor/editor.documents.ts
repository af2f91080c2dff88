import type { ApiWorkflowStage, StageInput } from '../model/serialize';

/** GraphQL documents of the workflow editor (docs/contract.md §2). */

const STAGE_FIELDS = /* GraphQL */ `
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
`;

export interface EditorWorkflow {
  id: string;
  name: string;
  description: string;
  version: number;
  globalVariables: { name: string; value: string }[];
  stages: ApiWorkflowStage[];
}

const WORKFLOW_FIELDS = `
  id
  name
  description
  version
  globalVariables {
    name
    value
  }
  stages {
    ${STAGE_FIELDS}
  }
`;

export const EditorWorkflowDocument = /* GraphQL */ `
  query EditorWorkflow($tenant: String!, $project: String!, $name: String!) {
    workflow(tenant: $tenant, project: $project, name: $name) {
      ${WORKFLOW_FIELDS}
    }
  }
`;
export interface EditorWorkflowResult {
  workflow: EditorWorkflow | null;
}

export interface SaveWorkflowInput {
  tenant: string;
  project: string;
  name: string;
  description?: string;
  globalVariables?: { name: string; value: string }[];
  stages: StageInput[];
}

export const CreateWorkflowDocument = /* GraphQL */ `
  mutation CreateEditorWorkflow($input: CreateWorkflowInput!) {
    createWorkflow(input: $input) {
      ${WORKFLOW_FIELDS}
    }
  }
`;
export const UpdateWorkflowDocument = /* GraphQL */ `
  mutation UpdateEditorWorkflow($input: UpdateWorkflowInput!) {
    updateWorkflow(input: $input) {
      ${WORKFLOW_FIELDS}
    }
  }
`;

export interface StageTemplateSummary {
  id: string;
  name: string;
  description: string;
  kind: string;
  isBuiltin: boolean;
  image: string;
  command: string[];
  args: string[];
  env: { name: string; value: string }[];
  workingDir: string | null;
  inputs: { resources: { name: string; path: string }[]; artifacts: { name: string; path: string }[] };
  outputs: { resources: { name: string }[]; artifacts: { name: string; path: string }[] };
  /** `{{ name }}` placeholders; a value is the default. */
  arguments: { name: string; value: string | null; description: string | null }[];
  updatedAt: string;
}

/** The fields of a template the editor makes stages from. */
const STAGE_TEMPLATE_FIELDS = /* GraphQL */ `
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
`;

export const StageTemplatesDocument = /* GraphQL */ `
  query EditorStageTemplates($tenant: String!) {
    stageTemplates(tenant: $tenant) {
      ${STAGE_TEMPLATE_FIELDS}
    }
  }
`;
export interface StageTemplatesResult {
  stageTemplates: StageTemplateSummary[];
}

/** The template filled with arguments by the API, as a new stage gets it (no arguments left). */
export const FilledStageTemplateDocument = /* GraphQL */ `
  query FilledStageTemplate($tenant: String!, $name: String!, $arguments: [NameValueInput!]) {
    filledStageTemplate(tenant: $tenant, name: $name, arguments: $arguments) {
      ${STAGE_TEMPLATE_FIELDS}
    }
  }
`;
export interface FilledStageTemplateResult {
  filledStageTemplate: StageTemplateSummary;
}
