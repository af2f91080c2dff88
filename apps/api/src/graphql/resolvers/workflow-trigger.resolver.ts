import { Arg, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { nextSlots } from '../../controller/cron-schedule.js';
import { badInput } from '../../errors/app-error.js';
import { toTriggerView } from '../../modules/workflows/workflow-views.js';
import {
  CreateWorkflowTriggerInput,
  UpdateWorkflowTriggerInput,
  WorkflowTriggerRefInput,
  WorkflowTriggerType,
} from '../types/workflow-trigger.type.js';
import { crudMutations } from './crud-resolver.js';

@Resolver(() => WorkflowTriggerType)
export class WorkflowTriggerResolver extends crudMutations({
  name: 'WorkflowTrigger',
  object: WorkflowTriggerType,
  inputs: { create: CreateWorkflowTriggerInput, update: UpdateWorkflowTriggerInput, ref: WorkflowTriggerRefInput },
  descriptions: {
    create:
      'Adds a trigger to a workflow (DEVELOPER and up): CRON with a five-field schedule, SCM with an SCM integration of the tenant, or WEBHOOK.',
    update: 'Replaces the settings of a trigger (DEVELOPER and up).',
    delete: 'Deletes a trigger (DEVELOPER and up).',
  },
  service: ({ services: { triggers } }) => ({
    create: (user, input) => triggers.createTrigger(user, input),
    update: (user, input) => triggers.updateTrigger(user, input),
    delete: (user, ref) => triggers.deleteTrigger(user, ref),
  }),
  present: toTriggerView,
}) {
  @FieldResolver(() => [Date], {
    description:
      'CRON: the next `count` fire times (instants, 1–100, default 5) of the schedule read in its time zone; empty for disabled and non-CRON triggers.',
  })
  nextFireTimes(
    @Root() trigger: WorkflowTriggerType,
    @Arg('count', () => Int, { nullable: true, defaultValue: 5 }) count: number,
  ): Date[] {
    if (!Number.isInteger(count) || count < 1 || count > 100) throw badInput('count', 'must be between 1 and 100');
    if (trigger.type !== 'CRON' || !trigger.enabled || !trigger.cron) return [];
    return nextSlots(trigger.cron, new Date(), count, trigger.timezone ?? 'UTC');
  }
}
