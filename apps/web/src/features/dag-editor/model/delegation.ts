import type { EditorDelegation } from './types';

/** The longest type the API takes (packages/domain `stageDelegationSchema`). */
export const DELEGATION_TYPE_MAX = 63;

/** An absolute http(s) URL without credentials: what the API takes as a delegation URL. */
export function isDelegationUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

/** `host[:port]` of a URL, what a node shows; undefined while it is not a URL. */
export function urlHost(text: string): string | undefined {
  try {
    return new URL(text).host || undefined;
  } catch {
    return undefined;
  }
}

/** The config as the drawer shows it: indented JSON, '' for none. */
export function configToText(config: unknown): string {
  return config === undefined ? '' : JSON.stringify(config, null, 2);
}

export type ConfigParse = { ok: true; config?: unknown } | { ok: false; error: string };

/** The drawer's config text read back: empty is no config; anything else must be JSON. */
export function parseConfigText(text: string): ConfigParse {
  if (!text.trim()) return { ok: true };
  try {
    return { ok: true, config: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/** JSON with sorted keys: the stored config (whose keys the database may reorder) compares equal to the typed one. */
export function canonicalJson(value: unknown): string {
  const sorted = (item: unknown): unknown => {
    if (Array.isArray(item)) return item.map(sorted);
    if (item === null || typeof item !== 'object') return item;
    return Object.fromEntries(
      Object.keys(item)
        .sort()
        .map((key) => [key, sorted((item as Record<string, unknown>)[key])]),
    );
  };
  return JSON.stringify(sorted(value));
}

/** The delegation as the API takes it: trimmed, config only when there is one. */
export function toDelegationInput(delegation: EditorDelegation): EditorDelegation {
  return {
    type: delegation.type.trim(),
    url: delegation.url.trim(),
    ...(delegation.config === undefined ? {} : { config: delegation.config }),
  };
}

/** A delegation from the API or the YAML view, where no config may be null. */
export function fromDelegation(delegation: { type: string; url: string; config?: unknown }): EditorDelegation {
  const { config } = delegation;
  return { type: delegation.type, url: delegation.url, ...(config === undefined || config === null ? {} : { config }) };
}

/** What the server refuses of a delegation, said before saving (messages without the stage). */
export function delegationProblems(delegation: EditorDelegation): { code: string; message: string }[] {
  const problems: { code: string; message: string }[] = [];
  const type = delegation.type.trim();
  if (!type) problems.push({ code: 'NO_DELEGATION_TYPE', message: 'needs the type of system it hands its work to' });
  else if (type.length > DELEGATION_TYPE_MAX) {
    problems.push({
      code: 'INVALID_DELEGATION_TYPE',
      message: `the type is at most ${DELEGATION_TYPE_MAX} characters`,
    });
  }
  const url = delegation.url.trim();
  if (!url) problems.push({ code: 'NO_DELEGATION_URL', message: 'needs the URL it hands its work to' });
  else if (!isDelegationUrl(url)) {
    problems.push({
      code: 'INVALID_DELEGATION_URL',
      message: 'the URL must be an http:// or https:// URL without credentials in it',
    });
  }
  return problems;
}
