import { Arg, Authorized, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { TriggerExplanation } from '../../modules/webhooks/trigger-explain.service.js';
import { toTriggerView } from '../../modules/workflows/workflow-views.js';
import { SignedIn, type SignedInContext } from '../signed-in.js';
import { SimulateTriggerInput, TriggerExplanationType } from '../types/trigger-explain.type.js';

const SIMULATE =
  'For every trigger of the tenant: would this repository event start a run, and why (DEVELOPER and up). Starts nothing. A query and a mutation alike.';

function toExplanations(rows: TriggerExplanation[]) {
  return rows.map((row) => ({ ...row, trigger: toTriggerView(row.trigger) }));
}

/** simulateTrigger and replayWebhookDelivery: why a trigger does or does not fire. */
@Resolver()
export class TriggerExplainResolver {
  @Authorized()
  @Query(() => [TriggerExplanationType], { name: 'simulateTrigger', description: SIMULATE })
  async simulateTriggerQuery(
    @Arg('input', () => SimulateTriggerInput) input: SimulateTriggerInput,
    @SignedIn() ctx: SignedInContext,
  ) {
    return toExplanations(await ctx.services.webhooks.explain.simulate(ctx.user, input));
  }

  @Authorized()
  @Mutation(() => [TriggerExplanationType], { name: 'simulateTrigger', description: SIMULATE })
  async simulateTriggerMutation(
    @Arg('input', () => SimulateTriggerInput) input: SimulateTriggerInput,
    @SignedIn() ctx: SignedInContext,
  ) {
    return toExplanations(await ctx.services.webhooks.explain.simulate(ctx.user, input));
  }

  @Authorized()
  @Mutation(() => [TriggerExplanationType], {
    description:
      "Explains a stored webhook delivery again with the tenant's triggers as they are now (tenant ADMINs). Unless dryRun, it is also acted on again as a new delivery, starting the runs it explains as starting; a dry run starts nothing.",
  })
  async replayWebhookDelivery(
    @Arg('id', () => ID) id: string,
    @Arg('dryRun', () => Boolean, { nullable: true, defaultValue: false }) dryRun: boolean,
    @SignedIn() ctx: SignedInContext,
  ) {
    const { explanations } = await ctx.services.webhooks.explain.replay(ctx.user, id, dryRun ?? false);
    return toExplanations(explanations);
  }
}
