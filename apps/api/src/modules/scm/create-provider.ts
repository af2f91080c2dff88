import type { IntegrationType } from '../../generated/prisma/enums.js';
import { BitbucketCloudProvider, isBitbucketCloud } from './bitbucket-cloud.provider.js';
import { BitbucketServerProvider } from './bitbucket-server.provider.js';
import { GitProvider } from './git.provider.js';
import { GitHubProvider } from './github.provider.js';
import { GitLabProvider } from './gitlab.provider.js';
import { basic, bearer } from './scm-http-client.js';
import { ScmError, type ScmProvider } from './scm-provider.js';
import { SvnProvider } from './svn.provider.js';

export interface ScmIntegration {
  type: IntegrationType;
  config: unknown;
  /** The opened secret JSON: token, password, webhookSecret. */
  secret: Record<string, string>;
}

const DEFAULT_SERVER: Partial<Record<IntegrationType, string>> = { GITHUB: 'https://api.github.com' };

/**
 * The provider for an SCM integration. BITBUCKET is Bitbucket Cloud when its server
 * is bitbucket.org / api.bitbucket.org (or a URL ending in /2.0), Bitbucket Server
 * otherwise.
 */
export function createScmProvider(integration: ScmIntegration): ScmProvider {
  const config = (integration.config ?? {}) as { server?: string; username?: string };
  const server = config.server ?? DEFAULT_SERVER[integration.type];
  if (!server) throw new ScmError(`the ${integration.type} integration has no config.server`);
  const { token, password } = integration.secret;
  const username = config.username;
  switch (integration.type) {
    case 'GITHUB':
      return new GitHubProvider({ server, token: token ?? password });
    case 'GITLAB':
      return new GitLabProvider({ server, token: token ?? password });
    case 'BITBUCKET': {
      const headers = username && password ? basic(username, password) : bearer(token ?? password);
      return isBitbucketCloud(server)
        ? new BitbucketCloudProvider({ server, headers })
        : new BitbucketServerProvider({ server, headers });
    }
    case 'SVN':
      return new SvnProvider({ server, username, password: password ?? token });
    case 'GIT':
      return new GitProvider({ server, username, password: password ?? token });
    default:
      throw new ScmError(`${integration.type} is not an SCM integration`);
  }
}

/** Whether Cyclone can call the server's API for this integration (it holds credentials). */
export function hasScmCredentials(integration: ScmIntegration): boolean {
  return Boolean(integration.secret.token || integration.secret.password);
}
