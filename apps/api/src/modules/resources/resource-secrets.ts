import { isSecretResourceParameter } from '@cyclone/domain';
import { badInput } from '../../errors/app-error.js';
import type { SecretBox } from '../integrations/secret-box.js';

type Parameter = { name: string; value: string };

/** What a resource stores: its parameters with secret values blanked in place, and those values sealed. */
export interface StoredParameters {
  parameters: Parameter[];
  secrets: Record<string, string>;
}

/**
 * Splits given parameters into what is stored in the clear and what is sealed. A
 * secret parameter given with an empty value keeps the value stored before (what an
 * exported document carries), and is dropped when there was none.
 */
export function splitSecretParameters(
  given: Parameter[],
  storedSecrets: Record<string, string>,
  field: string,
): StoredParameters {
  const parameters: Parameter[] = [];
  const secrets: Record<string, string> = {};
  for (const [index, { name, value }] of given.entries()) {
    if (!isSecretResourceParameter(name)) {
      parameters.push({ name, value });
      continue;
    }
    const kept = value === '' ? storedSecrets[name] : value;
    if (kept === undefined) continue;
    if (kept.trim() === '') throw badInput(`${field}.parameters[${index}].value`, `${name} is empty`);
    secrets[name] = kept;
    parameters.push({ name, value: '' });
  }
  return { parameters, secrets };
}

/** The sealed values of a resource, or none. */
export function openResourceSecrets(box: SecretBox | undefined, sealed: string | null): Record<string, string> {
  if (!sealed) return {};
  if (!box) throw new Error('resource secrets need the encryption key');
  return box.openJson(sealed);
}

/** Parameters with their secret values filled in: for the engine only. */
export function withSecretValues(parameters: Parameter[], secrets: Record<string, string>): Parameter[] {
  return parameters.map((p) => (p.name in secrets ? { name: p.name, value: secrets[p.name] as string } : p));
}
