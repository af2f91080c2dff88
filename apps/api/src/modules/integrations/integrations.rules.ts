import { LIMITS } from '@cyclone/domain';
import { KubeconfigRefusedError, parseTenantKubeconfig } from '@cyclone/k8s';
import { z } from 'zod';
import { AppError, badInput } from '../../errors/app-error.js';
import type { IntegrationType } from '../../generated/prisma/enums.js';
import { parseInput } from '../shared/validate-input.js';

/**
 * What each integration type stores. `config` is readable by every tenant member;
 * `secret` is write-only and encrypted. Unknown keys are refused (a typo in a secret
 * name would otherwise be stored silently and never used), except for GENERAL,
 * which holds whatever a custom stage needs.
 */
const url = z
  .string()
  .max(LIMITS.stringLength)
  .url({ message: 'must be an http:// or https:// URL' })
  .refine((v) => /^https?:\/\//.test(v), { message: 'must be an http:// or https:// URL' });
const text = z.string().max(LIMITS.stringLength);
/** SVN servers are also reached over svnserve's own protocol. */
const svnUrl = z
  .string()
  .max(LIMITS.stringLength)
  .refine((v) => /^(https?|svn|svn\+ssh):\/\/[^/\s]+/.test(v), {
    message: 'must be an http://, https://, svn:// or svn+ssh:// URL',
  });
const secretValue = z.string().min(1, { message: 'must not be empty' }).max(LIMITS.longTextLength);

const COMMON_SECRET_KEYS = ['token', 'password', 'webhookSecret'] as const;

interface TypeRules {
  config: z.ZodRawShape;
  secretKeys: readonly string[];
  /** Server used when the config gives none (public SaaS endpoints). */
  defaultServer?: string;
  /** Whether any keys are accepted (GENERAL). */
  isOpen?: boolean;
}

const selfHosted: TypeRules = { config: { server: url, username: text.optional() }, secretKeys: COMMON_SECRET_KEYS };

const RULES: Record<IntegrationType, TypeRules> = {
  GITHUB: {
    config: { server: url, username: text.optional() },
    secretKeys: COMMON_SECRET_KEYS,
    defaultServer: 'https://api.github.com',
  },
  GITLAB: selfHosted,
  BITBUCKET: selfHosted,
  SVN: { config: { server: svnUrl, username: text.optional() }, secretKeys: COMMON_SECRET_KEYS },
  GIT: selfHosted,
  DOCKER_REGISTRY: selfHosted,
  HARBOR: {
    config: { server: url, username: text.optional(), project: text.optional() },
    secretKeys: COMMON_SECRET_KEYS,
  },
  DOCKER_HUB: {
    config: { server: url, username: text.optional() },
    secretKeys: COMMON_SECRET_KEYS,
    defaultServer: 'https://registry-1.docker.io',
  },
  KUBERNETES: {
    config: {
      server: url.optional(),
      inCluster: z.boolean().optional(),
      namespace: text.optional(),
      username: text.optional(),
    },
    secretKeys: [...COMMON_SECRET_KEYS, 'kubeconfig'],
  },
  SONARQUBE: selfHosted,
  GENERAL: { config: { server: url.optional(), username: text.optional() }, secretKeys: [], isOpen: true },
};

export type IntegrationConfig = Record<string, unknown>;
export type IntegrationSecret = Record<string, string>;

/** Secret keys a type accepts (GENERAL: any). */
export function allowedSecretKeys(type: IntegrationType): readonly string[] | 'any' {
  const rules = RULES[type];
  return rules.isOpen ? 'any' : rules.secretKeys;
}

/** Validates a config for its type and fills the default server; errors name `<root>.<key>`. */
export function parseConfig(type: IntegrationType, config: unknown, root: string): IntegrationConfig {
  const rules = RULES[type];
  const object = requireObject(config, root);
  if (!rules.isOpen) rejectUnknownKeys(object, Object.keys(rules.config), root);
  const withDefault =
    object.server === undefined && rules.defaultServer ? { ...object, server: rules.defaultServer } : object;
  const schema = rules.isOpen ? z.looseObject(rules.config) : z.object(rules.config);
  return parseInput(schema, withDefault, root) as IntegrationConfig;
}

/** Validates secret values (strings) and their keys; errors name `<root>.<key>`. */
export function parseSecret(type: IntegrationType, secret: unknown, root: string): IntegrationSecret {
  const object = requireObject(secret, root);
  const allowed = allowedSecretKeys(type);
  if (allowed !== 'any') rejectUnknownKeys(object, allowed, root);
  const result: IntegrationSecret = {};
  for (const [key, value] of Object.entries(object)) {
    if (!/^[A-Za-z][A-Za-z0-9_-]{0,62}$/.test(key)) throw badInput(`${root}.${key}`, 'is not a valid secret name');
    result[key] = parseInput(secretValue, value, `${root}.${key}`);
  }
  if (type === 'KUBERNETES' && result.kubeconfig !== undefined)
    checkKubeconfig(result.kubeconfig, `${root}.kubeconfig`);
  return result;
}

/**
 * A tenant's kubeconfig carries its credentials inline: exec and auth-provider
 * plugins, file paths (token-file, client-certificate, client-key,
 * certificate-authority) and proxies are refused, naming the kubeconfig field.
 */
function checkKubeconfig(text: string, field: string): void {
  try {
    parseTenantKubeconfig(text);
  } catch (error) {
    if (error instanceof KubeconfigRefusedError) throw badInput(field, error.message);
    throw error;
  }
}

/** Rules that involve config and secret together, checked on the merged result. */
export function checkComplete(type: IntegrationType, config: IntegrationConfig, secret: IntegrationSecret): void {
  if (type === 'KUBERNETES' && config.inCluster !== true && !secret.kubeconfig) {
    throw badInput(
      'input.secret.kubeconfig',
      'a KUBERNETES integration needs a kubeconfig secret or config.inCluster: true',
    );
  }
}

/**
 * Applies an update to stored secrets: given keys replace, keys set to null are
 * removed, keys not mentioned are kept (secrets cannot be read back to resend them).
 */
export function mergeSecret(
  type: IntegrationType,
  stored: IntegrationSecret,
  patch: unknown,
  root: string,
): IntegrationSecret {
  const object = requireObject(patch, root);
  const removed = Object.entries(object)
    .filter(([, value]) => value === null)
    .map(([key]) => key);
  const given = Object.fromEntries(Object.entries(object).filter(([, value]) => value !== null));
  const allowed = allowedSecretKeys(type);
  if (allowed !== 'any') rejectUnknownKeys(object, allowed, root);
  const merged: IntegrationSecret = { ...stored, ...parseSecret(type, given, root) };
  for (const key of removed) delete merged[key];
  return merged;
}

function requireObject(value: unknown, root: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new AppError('BAD_USER_INPUT', `${root}: must be a JSON object`, { field: root });
  }
  return value as Record<string, unknown>;
}

function rejectUnknownKeys(object: Record<string, unknown>, allowed: readonly string[], root: string): void {
  const unknown = Object.keys(object).find((key) => !allowed.includes(key));
  if (unknown !== undefined) {
    throw badInput(`${root}.${unknown}`, `unknown key; this integration type accepts ${allowed.join(', ') || 'none'}`);
  }
}
