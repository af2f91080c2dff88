/** GraphQL documents of the Integration Center; result types come from them. */
import { graphql, type ResultOf } from '@cyclone/api-contract';

export const IntegrationFields = graphql(`
  fragment IntegrationFields on Integration {
    id
    name
    type
    description
    config
    secretFields
    createdAt
    updatedAt
  }
`);
export type IntegrationRow = ResultOf<typeof IntegrationFields>;

export const IntegrationsDocument = graphql(
  `
  query Integrations($tenant: String!) {
    integrations(tenant: $tenant) {
      ...IntegrationFields
    }
  }
`,
  [IntegrationFields],
);
export type IntegrationsResult = ResultOf<typeof IntegrationsDocument>;

export const CreateIntegrationDocument = graphql(
  `
  mutation CreateIntegration($input: CreateIntegrationInput!) {
    createIntegration(input: $input) {
      ...IntegrationFields
    }
  }
`,
  [IntegrationFields],
);

export const UpdateIntegrationDocument = graphql(
  `
  mutation UpdateIntegration($input: UpdateIntegrationInput!) {
    updateIntegration(input: $input) {
      ...IntegrationFields
    }
  }
`,
  [IntegrationFields],
);

export const DeleteIntegrationDocument = graphql(`
  mutation DeleteIntegration($input: IntegrationRefInput!) {
    deleteIntegration(input: $input)
  }
`);

export const TestIntegrationDocument = graphql(`
  mutation TestIntegration($input: IntegrationRefInput!) {
    testIntegration(input: $input) {
      ok
      stage
      code
      message
      latencyMs
      checkedAt
    }
  }
`);
export type IntegrationTestResult = ResultOf<typeof TestIntegrationDocument>['testIntegration'];
export type IntegrationCheckStage = IntegrationTestResult['stage'];
