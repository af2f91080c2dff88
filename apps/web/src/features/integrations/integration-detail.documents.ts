/** GraphQL documents of one integration's page: its webhook deliveries and registry catalog. */
import { INTEGRATION_FIELDS, type IntegrationRow } from './integrations.documents';

export type WebhookOutcome = 'ACCEPTED' | 'IGNORED' | 'REJECTED' | 'FAILED';

export interface DeliveryRun {
  id: string;
  number: number;
  projectName: string;
  workflow: { name: string };
}

export interface WebhookDeliveryRow {
  id: string;
  receivedAt: string;
  event: string;
  deliveryId: string | null;
  outcome: WebhookOutcome;
  status: number;
  reason: string;
  runs: DeliveryRun[];
}

export interface IntegrationResult {
  integration: IntegrationRow | null;
}

export const IntegrationDocument = /* GraphQL */ `
  query Integration($tenant: String!, $name: String!) {
    integration(tenant: $tenant, name: $name) { ${INTEGRATION_FIELDS} }
  }
`;

export interface WebhookDeliveriesResult {
  integration: { id: string; webhookDeliveries: WebhookDeliveryRow[] } | null;
}

export const WebhookDeliveriesDocument = /* GraphQL */ `
  query WebhookDeliveries($tenant: String!, $name: String!, $first: Int) {
    integration(tenant: $tenant, name: $name) {
      id
      webhookDeliveries(first: $first) {
        id
        receivedAt
        event
        deliveryId
        outcome
        status
        reason
        runs { id number projectName workflow { name } }
      }
    }
  }
`;

export interface RegistryRepositoriesResult {
  integration: { id: string; registryRepositories: string[] } | null;
}

export const RegistryRepositoriesDocument = /* GraphQL */ `
  query RegistryRepositories($tenant: String!, $name: String!, $first: Int) {
    integration(tenant: $tenant, name: $name) {
      id
      registryRepositories(first: $first)
    }
  }
`;
