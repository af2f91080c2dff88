/** GraphQL documents and result types of projects (docs/contract.md §2). */

export interface ProjectRow {
  id: string;
  name: string;
  description: string;
  createdAt: string;
  creator: { name: string; email: string } | null;
  workflowsConnection: {
    totalCount: number;
    edges: { node: { name: string; version: number; updatedAt: string } }[];
  };
}

export const ProjectsDocument = /* GraphQL */ `
  query Projects($tenant: String!) {
    tenant(name: $tenant) {
      name
      projects {
        id
        name
        description
        createdAt
        creator {
          name
          email
        }
        workflowsConnection(first: 1, orderBy: { field: UPDATED_AT, direction: DESC }) {
          totalCount
          edges {
            node {
              name
              version
              updatedAt
            }
          }
        }
      }
    }
  }
`;
export interface ProjectsResult {
  tenant: { name: string; projects: ProjectRow[] } | null;
}

export const CreateProjectDocument = /* GraphQL */ `
  mutation CreateProject($input: CreateProjectInput!) {
    createProject(input: $input) {
      id
      name
    }
  }
`;

export const DeleteProjectDocument = /* GraphQL */ `
  mutation DeleteProject($input: ProjectRefInput!) {
    deleteProject(input: $input)
  }
`;

export const CreateTenantDocument = /* GraphQL */ `
  mutation CreateTenant($input: CreateTenantInput!) {
    createTenant(input: $input) {
      name
    }
  }
`;

export interface ProjectDetail {
  id: string;
  name: string;
  description: string;
  createdAt: string;
  creator: { name: string; email: string } | null;
  workflows: {
    id: string;
    name: string;
    description: string;
    version: number;
    createdAt: string;
    updatedAt: string;
    stages: { name: string }[];
    latestRun: { id: string; number: number; phase: string; createdAt: string } | null;
  }[];
  resources: { id: string; name: string; type: string; integration: string | null; createdAt: string }[];
  stages: { id: string; name: string; image: string; template: string | null; updatedAt: string }[];
}

export const ProjectDocument = /* GraphQL */ `
  query Project($tenant: String!, $name: String!) {
    project(tenant: $tenant, name: $name) {
      id
      name
      description
      createdAt
      creator {
        name
        email
      }
      workflows {
        id
        name
        description
        version
        createdAt
        updatedAt
        stages {
          name
        }
        latestRun {
          id
          number
          phase
          createdAt
        }
      }
      resources {
        id
        name
        type
        integration
        createdAt
      }
      stages {
        id
        name
        image
        template
        updatedAt
      }
    }
  }
`;
export interface ProjectResult {
  project: ProjectDetail | null;
}
