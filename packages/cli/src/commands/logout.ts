import { ApiClient } from '../client.js';
import { readConfig, writeConfig } from '../config.js';
import type { Command } from '../context.js';
import { LogoutDocument } from '../documents.js';
import { ApiError, CliError } from '../errors.js';

export const logoutCommand: Command = {
  spec: {
    name: 'logout',
    summary: 'Sign out: the server revokes the token, and the config file forgets it.',
    usage: 'logout',
    isRemote: true,
    positionals: { min: 0, max: 0 },
    options: {},
    details: `The token in use (the config file's, or CYCLONE_TOKEN / --token) is revoked on the
server at once: a session token is signed out, an API token revoked. The config file
keeps the server and the tenant and project defaults, without the token.
A token the server no longer accepts is forgotten all the same.`,
  },
  async run(ctx) {
    const { server, token, configFile } = ctx.settings;
    if (!token) {
      ctx.out('Not signed in: there is no token to sign out.\n');
      return 0;
    }
    if (!server) throw new CliError('no server: set CYCLONE_SERVER or pass --server to sign out there');
    let revoked = true;
    try {
      await new ApiClient(server, token).request(LogoutDocument);
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'UNAUTHENTICATED')) throw error;
      revoked = false;
    }
    const saved = readConfig(configFile);
    const isSaved = saved.token === token;
    if (isSaved) writeConfig(configFile, { ...saved, token: undefined });
    ctx.out(
      revoked
        ? `Signed out of ${server}: the token is revoked${isSaved ? ` and removed from ${configFile}` : ''}\n`
        : `${server} no longer accepted the token${isSaved ? `; removed it from ${configFile}` : ''}\n`,
    );
    return 0;
  },
};
