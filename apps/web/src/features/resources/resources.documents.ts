/** GraphQL documents of resources and resource types (docs/contract.md §2); result types come from them. */

import { graphql, type ResultOf, type VariablesOf } from '@cyclone/api-contract';
import type { ProjectDetail } from '@/features/projects/projects.documents';

export const CreateResourceTypeDocument = graphql(`
  mutation CreateResourceType($input: ResourceTypeInput!) {
    createResourceType(input: $input) {
      type
    }
  }
`);
export type ResourceTypeInput = VariablesOf<typeof CreateResourceTypeDocument>['input'];

export const UpdateResourceTypeDocument = graphql(`
  mutation UpdateResourceType($input: ResourceTypeInput!) {
    updateResourceType(input: $input) {
      type
    }
  }
`);

export const DeleteResourceTypeDocument = graphql(`
  mutation DeleteResourceType($input: ResourceTypeRefInput!) {
    deleteResourceType(input: $input)
  }
`);

export type ResourceRow = ProjectDetail['resources'][number];

export const TenantIntegrationsDocument = graphql(`
  query ResourceIntegrations($tenant: String!) {
    integrations(tenant: $tenant) {
      id
      name
      type
    }
  }
`);
export type IntegrationOption = ResultOf<typeof TenantIntegrationsDocument>['integrations'][number];

export const CreateResourceDocument = graphql(`
  mutation CreateResource($input: CreateResourceInput!) {
    createResource(input: $input) {
      id
    }
  }
`);
export type CreateResourceInput = VariablesOf<typeof CreateResourceDocument>['input'];

export const UpdateResourceDocument = graphql(`
  mutation UpdateResource($input: UpdateResourceInput!) {
    updateResource(input: $input) {
      id
    }
  }
`);

export const DeleteResourceDocument = graphql(`
  mutation DeleteResource($input: ProjectObjectRefInput!) {
    deleteResource(input: $input)
  }
`);
