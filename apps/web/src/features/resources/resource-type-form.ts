import { bindIntegrationTypes } from '@cyclone/domain';

/** A registered resource type as typed in its drawer. */
export interface ResourceTypeDraft {
  type: string;
  /** The document's name (metadata.name); empty: the server's default, resource-type-<type>. */
  name: string;
  resolver: string;
  pull: boolean;
  push: boolean;
  parameters: { name: string; required: boolean; description: string }[];
  /** Empty: no binding. */
  bindIntegrationType: string;
  paramBindings: { name: string; value: string }[];
}

/** The original's names of what a binding takes, offered first; Cyclone's own integration types are accepted too. */
export const BIND_KINDS = ['SCM', 'DockerRegistry', 'SonarQube', 'Cluster', 'General'] as const;

/** Cyclone's integration types a binding may name instead (each of the original's kinds stands for some). */
export const BIND_INTEGRATION_TYPES = [...new Set(BIND_KINDS.flatMap((kind) => bindIntegrationTypes(kind) ?? []))];

export function blankResourceTypeDraft(): ResourceTypeDraft {
  return {
    type: '',
    name: '',
    resolver: '',
    pull: true,
    push: false,
    parameters: [],
    bindIntegrationType: '',
    paramBindings: [],
  };
}

interface ResourceTypeValues {
  type: string;
  name?: string | null;
  resolver?: string | null;
  operations: readonly string[];
  parameters: readonly { name: string; required?: boolean | null; description?: string | null }[];
  bind?: { integrationType: string; paramBindings: readonly { name: string; value: string }[] } | null;
}

export function draftFromResourceType(type: ResourceTypeValues): ResourceTypeDraft {
  return {
    type: type.type,
    name: type.name ?? '',
    resolver: type.resolver ?? '',
    pull: type.operations.includes('pull'),
    push: type.operations.includes('push'),
    parameters: type.parameters.map((p) => ({
      name: p.name,
      required: p.required ?? false,
      description: p.description ?? '',
    })),
    bindIntegrationType: type.bind?.integrationType ?? '',
    paramBindings: (type.bind?.paramBindings ?? []).map(({ name, value }) => ({ name, value })),
  };
}

/**
 * `ResourceTypeInput` without the tenant: blank rows dropped, no binding when its
 * integration type is empty (`bind: null` clears one on update).
 */
export function draftToResourceTypeInput(draft: ResourceTypeDraft) {
  const bindingRows = draft.paramBindings
    .map((b) => ({ name: b.name.trim(), value: b.value.trim() }))
    .filter((b) => b.name || b.value);
  const integrationType = draft.bindIntegrationType.trim();
  return {
    type: draft.type.trim(),
    name: draft.name.trim() || null,
    resolver: draft.resolver.trim(),
    operations: [...(draft.pull ? ['pull'] : []), ...(draft.push ? ['push'] : [])],
    parameters: draft.parameters
      .filter((p) => p.name.trim())
      .map((p) => ({ name: p.name.trim(), required: p.required, description: p.description.trim() })),
    bind: integrationType ? { integrationType, paramBindings: bindingRows } : null,
  };
}

/** One line for the table: `SCM: SCM_URL → scm.server, …`, or '' without a binding. */
export function bindingSummary(bind: ResourceTypeValues['bind']): string {
  if (!bind) return '';
  const pairs = bind.paramBindings.map((b) => `${b.name} → ${b.value}`).join(', ');
  return pairs ? `${bind.integrationType}: ${pairs}` : bind.integrationType;
}
