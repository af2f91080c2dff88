import { bitbucketCloudApiBase, isBitbucketCloud } from '../scm/bitbucket-cloud.provider.js';
import { basicAuth, httpRequest, joinUrl, parseJson } from './check-http-client.js';
import { CheckError, hostOf, statusError } from './check-result.js';

export interface ScmSettings {
  type: 'GITHUB' | 'GITLAB' | 'BITBUCKET';
  server: string;
  username?: string;
  token?: string;
  password?: string;
  timeoutMs: number;
}

/**
 * A cheap authenticated GET of the provider's "current user" endpoint:
 * GitHub `GET /user` (api.github.com, or `<host>/api/v3` for Enterprise),
 * GitLab `GET /api/v4/user` (PRIVATE-TOKEN), Bitbucket Cloud `GET /2.0/user`
 * (Basic with an app password), Bitbucket Server `GET /rest/api/1.0/users/<username>`
 * (Bearer token or Basic).
 */
export async function checkScmUser(settings: ScmSettings): Promise<string> {
  const { url, headers } = userRequest(settings);
  const what = `${settings.type} ${hostOf(url)}`;
  const answer = await httpRequest(url, {
    timeoutMs: settings.timeoutMs,
    headers: { accept: 'application/json', ...headers },
  });
  if (answer.status !== 200) throw statusError(answer.status, what);
  const user = parseJson<{ login?: string; username?: string; name?: string; slug?: string }>(answer, what);
  const name = user.login ?? user.username ?? user.slug ?? user.name;
  if (!name) throw new CheckError('RESPONSE', `${what} answered without a user`, 'BAD_BODY');
  return `${what} accepts the credentials of ${name}`;
}

function userRequest(settings: ScmSettings): { url: string; headers: Record<string, string> } {
  const secret = settings.token ?? settings.password;
  const server = settings.server.replace(/\/+$/, '');
  if (!secret)
    throw new CheckError('AUTH', `${settings.type} integration has no token or password to check`, 'NO_CREDENTIALS');
  if (settings.type === 'GITHUB') {
    const api = /^https?:\/\/(www\.)?github\.com$/.test(server) ? 'https://api.github.com' : server;
    return { url: joinUrl(api, '/user'), headers: { authorization: `Bearer ${secret}` } };
  }
  if (settings.type === 'GITLAB') {
    const api = server.endsWith('/api/v4') ? server : joinUrl(server, '/api/v4');
    return { url: joinUrl(api, '/user'), headers: { 'private-token': secret } };
  }
  if (isBitbucketCloud(server)) {
    const auth = settings.username ? basicAuth(settings.username, secret) : `Bearer ${secret}`;
    return { url: joinUrl(bitbucketCloudApiBase(server), '/user'), headers: { authorization: auth } };
  }
  if (!settings.username)
    throw new CheckError('AUTH', 'a Bitbucket Server integration needs config.username', 'NO_USERNAME');
  const auth = settings.token ? `Bearer ${settings.token}` : basicAuth(settings.username, secret);
  return {
    url: joinUrl(server, `/rest/api/1.0/users/${encodeURIComponent(settings.username)}`),
    headers: { authorization: auth },
  };
}
