import type { Db } from '../../db/prisma.js';
import type { Logger } from '../../logging/logger.js';
import type { IdentityService } from '../identity/identity.service.js';
import type { SecretBox } from '../integrations/secret-box.js';
import type { DeliveryResult } from './delivery-records.js';
import { RepositoryWebhooks } from './repository-webhooks.js';
import { handleScmDelivery } from './scm-delivery.js';
import { handleTriggerDelivery } from './trigger-delivery.js';
import { TriggerExplainService } from './trigger-explain.service.js';
import type { Headers } from './webhook-request.js';

/** Largest accepted delivery body. */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

/** Incoming webhooks, repository webhook registration and commit statuses. */
export class WebhooksService {
  readonly repositoryWebhooks: RepositoryWebhooks;
  /** simulateTrigger and replayWebhookDelivery. */
  readonly explain: TriggerExplainService;
  private readonly runCreatedListeners = new Set<() => void>();

  constructor(
    private readonly deps: {
      db: Db;
      logger: Logger;
      box: SecretBox;
      publicUrl: string;
      identity: Pick<IdentityService, 'authenticate'>;
      /** Deliveries of an integration that keep their payload (CYCLONE_RUN_RETENTION). */
      payloadsKept?: number;
    },
  ) {
    this.repositoryWebhooks = new RepositoryWebhooks(deps);
    this.explain = new TriggerExplainService(this.handlerDeps());
  }

  /** `body` is undefined when it was larger than MAX_WEBHOOK_BODY_BYTES. */
  receiveScm(integrationId: string, headers: Headers, body: Buffer | undefined): Promise<DeliveryResult> {
    return handleScmDelivery(this.handlerDeps(), integrationId, headers, body);
  }

  receiveTrigger(triggerId: string, headers: Headers, body: Buffer | undefined): Promise<DeliveryResult> {
    return handleTriggerDelivery({ ...this.handlerDeps(), identity: this.deps.identity }, triggerId, headers, body);
  }

  /** Calls `listener` whenever a delivery started or changed a run (the commit-status loop wakes on it). */
  onRunCreated(listener: () => void): void {
    this.runCreatedListeners.add(listener);
  }

  private handlerDeps() {
    const { db, logger, box, publicUrl, payloadsKept } = this.deps;
    return {
      db,
      logger,
      box,
      publicUrl,
      payloadsKept,
      // Controllers hear of new and cancelled runs through the controller channel; this wakes the commit statuses.
      onRunChanged: () => {
        for (const wake of this.runCreatedListeners) wake();
      },
    };
  }
}
