import { bindIntegrationTypes } from '@cyclone/domain';
import { GraphQLRequestError } from '@/lib/graphql/errors';

/** A resource type as the form needs it (a row of `resourceTypes`). */
export interface ResourceTypeOption {
  type: string;
  builtin: boolean;
  resolvedBy: string;
  parameters: readonly { name: string; required?: boolean | null; description?: string | null }[];
  bind?: { integrationType: string; paramBindings?: readonly { name: string }[] } | null;
  resolver?: string | null;
  description?: string;
}

/** A resource as typed in the drawer: the chosen type's parameters by name, then any others. */
export interface ResourceDraft {
  name: string;
  /** `ResourceTypeDefinition.type`: a built-in's (Git, Http, …) or a registered type's name. */
  type: string;
  values: Record<string, string>;
  extra: { name: string; value: string }[];
  integration: string;
  resolver: string;
}

/** A resource as the API returns it (`Project.resources`). */
export interface ResourceValues {
  name: string;
  type: string;
  registeredType?: string | null;
  integration?: string | null;
  resolver?: string | null;
  parameters: readonly { name: string; value: string }[];
}

/** The type a resource has, as `resourceTypes` names it: the registered name, or the built-in's (GIT → Git). */
export function typeNameOf(
  resource: Pick<ResourceValues, 'type' | 'registeredType'>,
  types: readonly { type: string }[],
) {
  if (resource.type === 'REGISTERED') return resource.registeredType ?? '';
  return types.find((t) => t.type.toUpperCase() === resource.type)?.type ?? resource.type;
}

/** Moves the draft to another type: values of parameters with the same name stay, the others become extra rows. */
export function retypeDraft(draft: ResourceDraft, type: ResourceTypeOption | undefined): ResourceDraft {
  // The old type's empty fields go; what was typed stays, as an extra row if the new type does not declare it.
  const typed = Object.entries(draft.values)
    .filter(([, value]) => value.trim() !== '')
    .map(([name, value]) => ({ name, value }));
  const all = [...typed, ...draft.extra];
  const declared = new Set(type?.parameters.map((p) => p.name));
  const values = Object.fromEntries(
    (type?.parameters ?? []).map((p) => [p.name, all.find((row) => row.name === p.name)?.value ?? '']),
  );
  const extra = all.filter((row) => !declared.has(row.name) && (row.name.trim() || row.value.trim()));
  return { ...draft, type: type?.type ?? '', values, extra };
}

export function blankResourceDraft(type: ResourceTypeOption | undefined): ResourceDraft {
  return retypeDraft({ name: '', type: '', values: {}, extra: [], integration: '', resolver: '' }, type);
}

/** An existing resource in the drawer, its type's parameters first. */
export function draftFromResource(resource: ResourceValues, types: readonly ResourceTypeOption[]): ResourceDraft {
  const typeName = typeNameOf(resource, types);
  const draft: ResourceDraft = {
    name: resource.name,
    type: typeName,
    values: {},
    extra: resource.parameters.map(({ name, value }) => ({ name, value })),
    integration: resource.integration ?? '',
    resolver: resource.resolver ?? '',
  };
  const type = types.find((t) => t.type === typeName);
  return type ? retypeDraft(draft, type) : draft;
}

/**
 * The fields createResource / updateResource take. Empty values are left out (the server
 * says which required ones are missing), except sealed ones, whose empty value keeps
 * what is stored.
 */
export function draftToResourceFields(
  draft: ResourceDraft,
  type: ResourceTypeOption | undefined,
  sealed: readonly string[] = [],
) {
  const rows = [...Object.entries(draft.values).map(([name, value]) => ({ name, value })), ...draft.extra]
    .map((row) => ({ name: row.name.trim(), value: row.value }))
    .filter((row) => row.name && (row.value.trim() !== '' || sealed.includes(row.name)));
  const builtin = type ? type.builtin : true;
  return {
    name: draft.name.trim(),
    type: builtin ? draft.type.toUpperCase() : 'REGISTERED',
    registeredType: builtin ? null : draft.type,
    parameters: rows,
    integration: draft.integration || null,
    resolver: draft.resolver.trim() || null,
  };
}

/** Whether the type takes a resolver image from its resources: General needs one, a registered type may override its own. */
export function takesResolver(type: ResourceTypeOption | undefined): 'required' | 'optional' | 'none' {
  if (!type) return 'none';
  if (!type.builtin) return 'optional';
  return type.resolvedBy === 'RESOLVER_IMAGE' ? 'required' : 'none';
}

/** The integrations a resource of the type may use: for a registered type with a binding, only those of the bound kind. */
export function integrationsFor<I extends { type: string }>(
  type: ResourceTypeOption | undefined,
  integrations: readonly I[],
): I[] {
  if (!type?.bind) return [...integrations];
  const accepted = bindIntegrationTypes(type.bind.integrationType) ?? [];
  return integrations.filter((integration) => accepted.includes(integration.type));
}

export type ResourceFormField = 'name' | 'type' | 'parameters' | 'integration' | 'resolver';

/** A server error and the form field it is about (`extensions.field`, e.g. input.parameters[0].value → parameters). */
export function serverFieldError(error: unknown): { message: string; field?: string; formField?: ResourceFormField } {
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof GraphQLRequestError)) return { message };
  const raw = error.errors[0]?.extensions?.field;
  const field = typeof raw === 'string' ? raw : undefined;
  const head = field?.replace(/^input\./, '').split(/[.[]/)[0];
  const formField =
    head === 'registeredType'
      ? 'type'
      : (['name', 'type', 'parameters', 'integration', 'resolver'] as const).find((f) => f === head);
  return { message, field, formField };
}
