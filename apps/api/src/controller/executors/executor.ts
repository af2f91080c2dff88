import type { SecretBox } from '../../modules/integrations/secret-box.js';
import type { RunSummary } from './kubernetes/workflow-run-cr.js';
import type { StageExit, StageLaunch } from './local-executor.js';

export type { RunSummary } from './kubernetes/workflow-run-cr.js';
export type { StageExit, StageLaunch } from './local-executor.js';

/** A running attempt as the reconciler knows it. */
export interface RunningAttempt {
  runId: string;
  stage: string;
  attempt: number;
  handle: string | null;
  message: string;
}

/** What a level-triggered look at a running attempt found. */
export interface AttemptObservation {
  /** The attempt ended: record this exit (as if reported by the executor). */
  exit?: StageExit;
  /** Still running, with this explanation for the stage message (e.g. unschedulable). */
  message?: string;
}

/**
 * Where stages run. The run reconciler drives any executor the same way: it starts
 * an attempt once its stage row is RUNNING (the handle is stored with it), kills the
 * handle on stop and timeout, and learns how an attempt ended from `onExit`
 * (pushed by the executor) or from `observe` (pulled on each pass, so a missed
 * notification changes nothing). LocalExecutor runs processes on this host,
 * KubernetesExecutor runs pods.
 */
export interface Executor {
  /** Opens integration secrets (`${secrets.…}`, resource credentials). */
  readonly box: SecretBox | undefined;
  /** Starts an attempt and returns its handle; throws when it cannot start. */
  start(launch: StageLaunch): string | Promise<string>;
  /**
   * Ends an attempt at once (stop, timeout); unknown or foreign handles are ignored.
   * `isRecorded`: the caller records the attempt's end in its own transaction, so
   * the executor need not report the exit (a stop of 200 stages then costs no 200
   * exit transactions); if that transaction does not commit, the next pass, which
   * decides the same kill from the stored state, records it.
   */
  kill(handle: string | null, options?: { isRecorded?: boolean }): void;
  /** True when nobody can report this handle's exit any more (the attempt then fails). */
  isOrphan(handle: string | null): boolean;
  /** Looks at a running attempt now; undefined when there is nothing new. */
  observe?(attempt: RunningAttempt): Promise<AttemptObservation | undefined>;
  /** The run's phase changed in a committed pass (Kubernetes mirrors it in the WorkflowRun resource). */
  runPhaseChanged?(runId: string, summary: RunSummary): Promise<void>;
  shutdown(): Promise<void>;
}
