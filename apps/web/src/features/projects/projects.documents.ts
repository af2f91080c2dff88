/** GraphQL documents of projects (docs/contract.md §2); result types come from them. */
import { graphql, type ResultOf, WorkflowRowFields } from '@cyclone/api-contract';

/** A project as its list and its page show it: name, description and who made it when. */
const ProjectFields = graphql(`
  fragment ProjectFields on Project {
    id
    name
    description
    createdAt
    creator {
      name
      email
    }
  }
`);

export const ProjectsDocument = graphql(
  `
  query Projects($tenant: String!) {
    tenant(name: $tenant) {
      name
      projects {
        ...ProjectFields
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
`,
  [ProjectFields],
);
export type ProjectsResult = ResultOf<typeof ProjectsDocument>;
export type ProjectRow = NonNullable<ProjectsResult['tenant']>['projects'][number];

export const CreateProjectDocument = graphql(`
  mutation CreateProject($input: CreateProjectInput!) {
    createProject(input: $input) {
      id
      name
    }
  }
`);

export const DeleteProjectDocument = graphql(`
  mutation DeleteProject($input: ProjectRefInput!) {
    deleteProject(input: $input)
  }
`);

export const CreateTenantDocument = graphql(`
  mutation CreateTenant($input: CreateTenantInput!) {
    createTenant(input: $input) {
      name
    }
  }
`);

export const ProjectDocument = graphql(
  `
  query Project($tenant: String!, $name: String!) {
    project(tenant: $tenant, name: $name) {
      ...ProjectFields
      workflows {
        id
        createdAt
        ...WorkflowRowFields
        latestRun {
          id
        }
      }
      resources {
        id
        name
        type
        registeredType
        integration
        resolver
        parameters {
          name
          value
        }
        secretParameters
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
`,
  [ProjectFields, WorkflowRowFields],
);
export type ProjectResult = ResultOf<typeof ProjectDocument>;
export type ProjectDetail = NonNullable<ProjectResult['project']>;
