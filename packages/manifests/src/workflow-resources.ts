import type { WorkflowResources } from '@cyclone/domain';
import type { FieldReader, Obj } from './fields.js';

const GROUPS = ['requests', 'limits'] as const;
const QUANTITIES = ['cpu', 'memory'] as const;

type Quantities = Partial<Record<(typeof QUANTITIES)[number], string>>;

/** What a Workflow document says about its stages' default resources, before the schema checks the quantities. */
export interface ReadResources {
  /** Where it was written: `spec.resources`, or `spec.Resources` as the original's untagged Go field reads. */
  place: string;
  /** Only the keys set, numbers as text (YAML `cpu: 2` is "2"); absent when nothing is set. */
  value?: { requests?: Quantities; limits?: Quantities };
  /** A problem of shape was reported (both spellings, a key not taken, not a mapping). */
  refused: boolean;
}

/** Reads `spec.resources` (or `spec.Resources`): `{requests: {cpu, memory}, limits: {cpu, memory}}`. */
export function readWorkflowResources(r: FieldReader, spec: Obj, p: string): ReadResources {
  const given = (value: unknown) => value !== undefined && value !== null;
  if (given(spec.resources) && given(spec.Resources)) {
    r.fail(`${p}.Resources`, 'give spec.resources or spec.Resources, not both');
    return { place: 'spec.Resources', refused: true };
  }
  const key = given(spec.Resources) ? 'Resources' : 'resources';
  const place = `spec.${key}`;
  const at = `${p}.${key}`;
  const resources = r.object(spec[key], at);
  if (!resources) return { place, refused: given(spec[key]) };
  let refused = refuseOthers(r, resources, GROUPS, at, 'only requests and limits are taken');
  const value: NonNullable<ReadResources['value']> = {};
  for (const group of GROUPS) {
    const quantities = r.object(resources[group], `${at}.${group}`);
    if (!quantities) {
      refused ||= given(resources[group]);
      continue;
    }
    refused = refuseOthers(r, quantities, QUANTITIES, `${at}.${group}`, 'only cpu and memory are taken') || refused;
    const set: Quantities = {};
    for (const name of QUANTITIES) {
      const text = r.scalar(quantities, name, `${at}.${group}`);
      if (text !== undefined) set[name] = text;
      else refused ||= given(quantities[name]);
    }
    // An empty mapping says nothing: dropped, so it prints (as nothing) and reads back the same.
    if (Object.keys(set).length > 0) value[group] = set;
  }
  return { place, refused, ...(Object.keys(value).length > 0 ? { value } : {}) };
}

function refuseOthers(r: FieldReader, obj: Obj, taken: readonly string[], at: string, message: string): boolean {
  const others = Object.keys(obj).filter((k) => !taken.includes(k));
  for (const other of others) r.fail(`${at}.${other}`, message);
  return others.length > 0;
}

/** `spec.resources` as printed: requests before limits, cpu before memory, only the keys set; none prints nothing. */
export function encodeWorkflowResources(resources: WorkflowResources | undefined) {
  if (!resources) return undefined;
  const out: Record<string, Quantities> = {};
  for (const group of GROUPS) {
    const quantities = resources[group];
    const set: Quantities = {};
    for (const name of QUANTITIES) {
      const text = quantities?.[name];
      if (text !== undefined) set[name] = text;
    }
    if (Object.keys(set).length > 0) out[group] = set;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
