/**
 * Git: SCM_AUTH `<user>:<password>` or a bare token (user `oauth2`), else the bound
 * integration's username and password or token. Svn: SCM_USER / SCM_PWD, else the
 * integration's. None: anonymous.
 */
export function repositoryCredentials(
  type: 'Git' | 'Svn',
  parameters: Map<string, string>,
  integration: { config: Record<string, unknown>; secret: Record<string, string> } | undefined,
): { username: string; password: string } | undefined {
  if (type === 'Git') {
    const auth = parameters.get('SCM_AUTH');
    if (auth) {
      const at = auth.indexOf(':');
      return at > 0
        ? { username: auth.slice(0, at), password: auth.slice(at + 1) }
        : { username: 'oauth2', password: auth };
    }
  } else {
    const password = parameters.get('SCM_PWD');
    if (password) return { username: parameters.get('SCM_USER') ?? '', password };
  }
  if (!integration) return undefined;
  const password = integration.secret.password ?? integration.secret.token;
  if (!password) return undefined;
  const username = typeof integration.config.username === 'string' ? integration.config.username : 'oauth2';
  return { username, password };
}
