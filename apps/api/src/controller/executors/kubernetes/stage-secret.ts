import type { ResolverRun } from '../executor.js';
import type { ResourcePull } from '../stage-inputs.js';
import { resolverEnvKey } from './pod-resolvers.js';

/** Keys of the attempt's Secret for resource credentials. */
export const credentialKey = (index: number, field: 'username' | 'password') => `input-${index}-${field}`;
export const envKey = (name: string) => `env-${name}`;
export const MASK_KEY = 'mask';
export const TOKEN_KEY = 'token';
export const secretArgKey = (index: number) => `arg-${index}`;

/**
 * The attempt's Secret data: its stage token, the values to mask, env entries whose
 * value contains one of the run's secret values (those become secretKeyRefs), and the
 * secret values that occur in the command or args (kubernetesProgram).
 */
export function stageSecretData(input: {
  token: string;
  env: readonly { name: string; value: string }[];
  /** The workload's command and args: secret values in them move to the Secret too. */
  program?: readonly string[];
  secrets: readonly string[];
  resources?: readonly ResourcePull[];
  resolvers?: readonly ResolverRun[];
}): { data: Record<string, string>; secretEnv: Set<string>; secretArgs: string[]; resolverSecretKeys: Set<string> } {
  const secrets = input.secrets.filter((s) => s !== '');
  const data: Record<string, string> = { [TOKEN_KEY]: input.token, [MASK_KEY]: JSON.stringify(secrets) };
  const secretEnv = new Set<string>();
  for (const entry of input.env) {
    if (secrets.some((s) => entry.value.includes(s))) {
      data[envKey(entry.name)] = entry.value;
      secretEnv.add(entry.name);
    }
  }
  (input.resources ?? []).forEach((pull, index) => {
    if (!pull.auth) return;
    data[credentialKey(index, 'username')] = pull.auth.username;
    data[credentialKey(index, 'password')] = pull.auth.password;
  });
  // A resolver's parameters may be sealed ones: never in the pod spec either.
  const resolverSecretKeys = new Set<string>();
  (input.resolvers ?? []).forEach((resolver, index) => {
    for (const entry of resolver.env) {
      if (!secrets.some((s) => entry.value.includes(s))) continue;
      data[resolverEnvKey(index, entry.name)] = entry.value;
      resolverSecretKeys.add(resolverEnvKey(index, entry.name));
    }
  });
  // Longest first, so a secret that contains another is replaced whole.
  const secretArgs = [...new Set(secrets)]
    .filter((secret) => (input.program ?? []).some((entry) => entry.includes(secret)))
    .sort((a, b) => b.length - a.length);
  secretArgs.forEach((secret, index) => {
    data[secretArgKey(index)] = secret;
  });
  return { data, secretEnv, secretArgs, resolverSecretKeys };
}
