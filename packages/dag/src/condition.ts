import { Environment } from '@marcbachmann/cel-js';

/**
 * Stage conditions (`when`): CEL expressions, the language Kubernetes and Tekton use,
 * evaluated by @marcbachmann/cel-js. An expression sees
 *
 * - `variables['NAME']`: the run's variables (global variables, `variables.NAME` run parameters applied);
 * - `params['NAME']`: the run's parameters as given;
 * - `stages['<name>'].phase` and `stages['<name>'].outputs['<key>']`: every stage of the run;
 * - `trigger.type` (MANUAL, CRON, SCM, WEBHOOK), `trigger.branch`, `trigger.tag`, `trigger.event`,
 *   `trigger.commit`, `trigger.author` (empty when the trigger does not say);
 * - `run.phase`: RUNNING for ordinary stages; in a finally stage, what the run's other
 *   stages made of it (SUCCEEDED, FAILED or CANCELLED).
 *
 * It must give a bool. A reference to something absent (`variables['NOPE']`) is an
 * evaluation error, not false: `'NOPE' in variables` tests for it.
 */

export interface ConditionStage {
  phase: string;
  outputs: Record<string, string>;
}

export interface ConditionTrigger {
  type: string;
  branch: string;
  tag: string;
  event: string;
  commit: string;
  author: string;
}

/** What a condition is evaluated over (facts of the run, never secrets). */
export interface ConditionContext {
  variables: Record<string, string>;
  params: Record<string, string>;
  stages: Record<string, ConditionStage>;
  trigger: ConditionTrigger;
  run: { phase: string };
}

/** The facts of a run that do not change while it runs. */
export type ConditionFacts = Pick<ConditionContext, 'variables' | 'params' | 'trigger'>;

export const EMPTY_TRIGGER: ConditionTrigger = {
  type: 'MANUAL',
  branch: '',
  tag: '',
  event: '',
  commit: '',
  author: '',
};

export const MAX_CONDITION_LENGTH = 4096;

const environment = new Environment({
  limits: { maxAstNodes: 2000, maxDepth: 64, maxListElements: 1000, maxMapEntries: 1000, maxCallArguments: 32 },
})
  .registerVariable('variables', 'map<string, string>')
  .registerVariable('params', 'map<string, string>')
  .registerVariable('stages', 'map<string, dyn>')
  .registerVariable('trigger', 'map<string, string>')
  .registerVariable('run', 'map<string, string>');

type Parsed = ReturnType<typeof environment.parse>;
/** Parsed expressions by text: a run's passes evaluate the same few again and again. */
const parsedCache = new Map<string, Parsed>();
const CACHE_SIZE = 500;

function parsed(expression: string): Parsed {
  let found = parsedCache.get(expression);
  if (!found) {
    found = environment.parse(expression);
    if (parsedCache.size >= CACHE_SIZE) parsedCache.delete(parsedCache.keys().next().value as string);
    parsedCache.set(expression, found);
  }
  return found;
}

/** The first line of the library's message (the rest is a drawing of where). */
function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]?.trim() ?? 'invalid';
}

/** Why an expression cannot be a condition (syntax, unknown name, not a bool), or undefined when it can. */
export function checkCondition(expression: string): string | undefined {
  if (expression.trim() === '') return 'must not be empty';
  if (expression.length > MAX_CONDITION_LENGTH) return `must be at most ${MAX_CONDITION_LENGTH} characters`;
  try {
    const result = environment.check(expression);
    if (!result.valid) return firstLine(result.error);
    if (result.type !== 'bool' && result.type !== 'dyn') return `must give a bool, not ${result.type}`;
    return undefined;
  } catch (error) {
    return firstLine(error);
  }
}

export type ConditionResult = { value: boolean } | { error: string };

/** Evaluates a condition; an error (absent key, bad conversion, not a bool) is returned, never thrown. */
export function evaluateCondition(expression: string, context: ConditionContext): ConditionResult {
  try {
    const value = parsed(expression)(context);
    if (typeof value !== 'boolean')
      return { error: `gave ${typeof value === 'bigint' ? 'int' : typeof value}, not a bool` };
    return { value };
  } catch (error) {
    return { error: firstLine(error) };
  }
}
