/** GraphQL documents of one integration's page: its webhook deliveries and registry catalog. */
import { graphql, type ResultOf } from '@cyclone/api-contract';
import { IntegrationFields } from './integrations.documents';

export const IntegrationDocument = graphql(
  `
  query Integration($tenant: String!, $name: String!) {
    integration(tenant: $tenant, name: $name) {
      ...IntegrationFields
    }
  }
`,
  [IntegrationFields],
);
export type IntegrationResult = ResultOf<typeof IntegrationDocument>;

export const WebhookDeliveriesDocument = graphql(`
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
`);
export type WebhookDeliveriesResult = ResultOf<typeof WebhookDeliveriesDocument>;
export type WebhookDeliveryRow = NonNullable<WebhookDeliveriesResult['integration']>['webhookDeliveries'][number];
export type DeliveryRun = WebhookDeliveryRow['runs'][number];
export type WebhookOutcome = WebhookDeliveryRow['outcome'];

export const RegistryRepositoriesDocument = graphql(`
  query RegistryRepositories($tenant: String!, $name: String!, $first: Int) {
    integration(tenant: $tenant, name: $name) {
      id
      registryRepositories(first: $first)
    }
  }
`);
export type RegistryRepositoriesResult = ResultOf<typeof RegistryRepositoriesDocument>;

/** Why each trigger of the tenant would (not) start for a stored delivery; unless dryRun, acts on it again. */
export const ReplayWebhookDeliveryDocument = graphql(`
  mutation ReplayWebhookDelivery($id: ID!, $dryRun: Boolean) {
    replayWebhookDelivery(id: $id, dryRun: $dryRun) {
      trigger { id name }
      wouldStart
      reason
    }
  }
`);
export type TriggerExplanationRow = ResultOf<typeof ReplayWebhookDeliveryDocument>['replayWebhookDelivery'][number];
