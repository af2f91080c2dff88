/** GraphQL documents and result shapes of the Integration Center. */
import type { IntegrationType } from './integration-forms';

export interface IntegrationRow {
  id: string;
  name: string;
  type: IntegrationType;
  description: string;
  config: Record<string, unknown>;
  secretFields: string[];
  createdAt: string;
  updatedAt: string;
}

export interface IntegrationsResult {
  integrations: IntegrationRow[];
}

export const INTEGRATION_FIELDS = 'id name type description config secretFields createdAt updatedAt';

export const IntegrationsDocument = /* GraphQL */ `
  query Integrations($tenant: String!) {
    integrations(tenant: $tenant) { ${INTEGRATION_FIELDS} }
  }
`;

export const CreateIntegrationDocument = /* GraphQL */ `
  mutation CreateIntegration($input: CreateIntegrationInput!) {
    createIntegration(input: $input) { ${INTEGRATION_FIELDS} }
  }
`;

export const UpdateIntegrationDocument = /* GraphQL */ `
  mutation UpdateIntegration($input: UpdateIntegrationInput!) {
    updateIntegration(input: $input) { ${INTEGRATION_FIELDS} }
  }
`;

export const DeleteIntegrationDocument = /* GraphQL */ `
  mutation DeleteIntegration($input: IntegrationRefInput!) {
    deleteIntegration(input: $input)
  }
`;

export type IntegrationCheckStage = 'DNS' | 'CONNECT' | 'TLS' | 'AUTH' | 'RESPONSE';

export interface IntegrationTestResult {
  ok: boolean;
  stage: IntegrationCheckStage;
  code: string;
  message: string;
  latencyMs: number;
  checkedAt: string;
}

export const TestIntegrationDocument = /* GraphQL */ `
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
`;
