import type { Reconciler } from '../../controller/controller.js';
import type { Db } from '../../db/prisma.js';
import type { Logger } from '../../logging/logger.js';
import type { IdentityService } from '../identity/identity.service.js';
import type { SecretBox } from '../integrations/secret-box.js';
import { CommitStatusReconciler } from './commit-status.reconciler.js';
import type { DeliveryResult } from './delivery-records.js';
import { RepositoryWebhooks } from './repository-webhooks.js';
import { handleScmDelivery } from './scm-delivery.js';
import { handleTriggerDelivery } from './trigger-delivery.js';
import type { Headers } from './webhook-request.js';

/** Largest accepted delivery body. */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

/** Incoming webhooks, repository webhook registration and commit statuses. */
export class WebhooksService {
  readonly repositoryWebhooks: RepositoryWebhooks;
  private readonly onRunCreated = new Set<() => void>();

  constructor(
    private readonly deps: {
      db: Db;
      logger: Logger;
      box: SecretBox;
      publicUrl: string;
      identity: Pick<IdentityService, 'authenticate'>;
    },
  ) {
    this.repositoryWebhooks = new RepositoryWebhooks(deps);
  }

  /** `body` is undefined when it was larger than MAX_WEBHOOK_BODY_BYTES. */
  receiveScm(integrationId: string, headers: Headers, body: Buffer | undefined): Promise<DeliveryResult> {
    return handleScmDelivery(this.handlerDeps(), integrationId, headers, body);
  }

  receiveTrigger(triggerId: string, headers: Headers, body: Buffer | undefined): Promise<DeliveryResult> {
    return handleTriggerDelivery({ ...this.handlerDeps(), identity: this.deps.identity }, triggerId, headers, body);
  }

  /** The controller's loops: commit statuses (new SCM runs wake it) and unused repository webhooks. */
  createReconcilers(): Reconciler[] {
    const statuses = new CommitStatusReconciler(this.deps);
    this.onRunCreated.add(() => statuses.wake());
    const hooks: Reconciler = {
      name: 'repository-webhooks',
      reconcileAll: async () => {
        await this.repositoryWebhooks.sweepOrphans(this.deps.db);
        return {};
      },
    };
    return [statuses, hooks];
  }

  private handlerDeps() {
    const { db, logger, box, publicUrl } = this.deps;
    return {
      db,
      logger,
      box,
      publicUrl,
      // Controllers hear of new and cancelled runs through the controller channel; this wakes the commit statuses.
      onRunChanged: () => {
        for (const wake of this.onRunCreated) wake();
      },
    };
  }
}
