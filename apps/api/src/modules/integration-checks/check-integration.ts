import type { IntegrationType } from '../../generated/prisma/enums.js';
import { httpRequest } from './check-http-client.js';
import { CheckError, type CheckResult, hostOf, statusError, timed } from './check-result.js';
import { checkGitRemote, checkSvnInfo } from './command-check.js';
import { checkKubernetes } from './kubernetes-check.js';
import { RegistryClient } from './registry-client.js';
import { checkScmUser } from './scm-user-check.js';
import { checkSonarQube } from './sonarqube-client.js';

export const DEFAULT_CHECK_TIMEOUT_MS = 5_000;

export interface IntegrationForCheck {
  type: IntegrationType;
  config: Record<string, unknown>;
  secret: Record<string, string>;
}

const REGISTRY_TYPES = new Set<IntegrationType>(['DOCKER_REGISTRY', 'HARBOR', 'DOCKER_HUB']);

/** The registry client of a DOCKER_REGISTRY, HARBOR or DOCKER_HUB integration. */
export function registryClientFor(
  integration: IntegrationForCheck,
  timeoutMs = DEFAULT_CHECK_TIMEOUT_MS,
): RegistryClient {
  return new RegistryClient({
    server: String(integration.config.server),
    username: stringOf(integration.config.username),
    password: integration.secret.password ?? integration.secret.token,
    timeoutMs,
  });
}

export function isRegistryType(type: IntegrationType): boolean {
  return REGISTRY_TYPES.has(type);
}

/**
 * The real check of an integration, per type (documented in docs/integrations.md):
 * it says which stage failed (DNS, CONNECT, TLS, AUTH, RESPONSE) and how long it took.
 */
export function checkIntegration(
  integration: IntegrationForCheck,
  timeoutMs = DEFAULT_CHECK_TIMEOUT_MS,
): Promise<CheckResult> {
  const { type, config, secret } = integration;
  const server = stringOf(config.server);
  const username = stringOf(config.username);
  const password = secret.password ?? secret.token;
  const host = server ? hostOf(server) : type;
  return timed(host, async () => {
    switch (type) {
      case 'GIT':
        return checkGitRemote({ server: need(server), username, password, timeoutMs });
      case 'SVN':
        return checkSvnInfo({ server: need(server), username, password: secret.password ?? secret.token, timeoutMs });
      case 'DOCKER_REGISTRY':
      case 'HARBOR':
      case 'DOCKER_HUB':
        return registryClientFor(integration, timeoutMs).ping();
      case 'GITHUB':
      case 'GITLAB':
      case 'BITBUCKET':
        return checkScmUser({
          type,
          server: need(server),
          username,
          token: secret.token,
          password: secret.password,
          timeoutMs,
        });
      case 'KUBERNETES':
        return checkKubernetes({ kubeconfig: secret.kubeconfig, inCluster: config.inCluster === true, timeoutMs });
      case 'SONARQUBE':
        return checkSonarQube({ server: need(server), token: secret.token ?? secret.password, timeoutMs });
      default:
        return reachable(server, timeoutMs);
    }
  });
}

/** GENERAL: no protocol to speak; an HTTP(S) answer below 500 from config.server is all we can check. */
async function reachable(server: string | undefined, timeoutMs: number): Promise<string> {
  if (!server) throw new CheckError('RESPONSE', 'this integration has no config.server to check', 'NO_SERVER');
  const answer = await httpRequest(server, { timeoutMs, maxBytes: 1 });
  if (answer.status >= 500) throw statusError(answer.status, hostOf(server));
  return `${hostOf(server)} answered HTTP ${answer.status} (reachability only: GENERAL integrations have no credential check)`;
}

function need(server: string | undefined): string {
  if (!server) throw new CheckError('RESPONSE', 'this integration has no config.server to check', 'NO_SERVER');
  return server;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
