import { booleanOption, stringOption } from '../args.js';
import { ApiClient } from '../client.js';
import { readConfig, writeConfig } from '../config.js';
import type { Command } from '../context.js';
import { LoginDocument, MeDocument } from '../documents.js';
import { ApiError, CliError, UsageError } from '../errors.js';

export const loginCommand: Command = {
  spec: {
    name: 'login',
    summary: 'Sign in to a Cyclone API and remember the server and token.',
    usage: 'login --server URL (--email E --password P | --email E --password-stdin | --token T)',
    isRemote: true,
    positionals: { min: 0, max: 0 },
    options: {
      email: { type: 'string', value: 'EMAIL', description: 'sign in with this email and --password' },
      password: { type: 'string', value: 'PASSWORD', description: 'the password (visible in the process list)' },
      'password-stdin': { type: 'boolean', description: 'read the password from standard input' },
    },
    details: `The server, token and any --tenant / --project are saved in the config file
(CYCLONE_CONFIG, else $XDG_CONFIG_HOME/cyclone/config.json, else ~/.config/cyclone/config.json),
readable by you only (0600). With --token, an API token (createApiToken) is checked and saved.

Examples:
  cyclone login --server http://localhost:4000 --email admin@cyclone.local --password-stdin < password.txt
  cyclone login --server https://cyclone.example.com --token cyc_… --tenant acme --project web`,
  },
  async run(ctx) {
    const { server } = ctx.settings;
    if (!server) throw new UsageError('login needs --server URL (or CYCLONE_SERVER)', 'login');
    const email = stringOption(ctx.args, 'email');
    const givenToken = stringOption(ctx.args, 'token');
    let password = stringOption(ctx.args, 'password');
    if (booleanOption(ctx.args, 'password-stdin')) password = (await ctx.runtime.readStdin()).replace(/\r?\n$/, '');
    if (givenToken && (email || password)) throw new UsageError('give either --token or --email/--password', 'login');
    if (!givenToken && !(email && password)) {
      throw new UsageError('login needs --email and --password (or --password-stdin), or --token', 'login');
    }

    let token: string;
    let who: string;
    if (givenToken) {
      const me = await new ApiClient(server, givenToken).request(MeDocument).catch((error: unknown) => {
        if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') {
          throw new CliError(`${server} refused the token: ${error.apiMessage}`);
        }
        throw error;
      });
      if (!me.me) throw new CliError(`${server} refused the token`);
      token = givenToken;
      who = me.me.email;
    } else {
      const result = await new ApiClient(server, undefined)
        // Both were checked above: a sign-in without a token has an email and a password.
        .request(LoginDocument, { input: { email: email as string, password: password as string } })
        .catch((error: unknown) => {
          if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') {
            throw new CliError(`sign-in refused: ${error.apiMessage}`);
          }
          throw error;
        });
      token = result.login.token;
      who = result.login.user.email;
    }

    const path = ctx.settings.configFile;
    const previous = readConfig(path);
    const isSameServer = previous.server === server;
    const tenant = stringOption(ctx.args, 'tenant') ?? (isSameServer ? previous.tenant : undefined);
    const project = stringOption(ctx.args, 'project') ?? (isSameServer ? previous.project : undefined);
    writeConfig(path, { server, token, tenant, project });
    ctx.out(`Signed in to ${server} as ${who}; saved in ${path}\n`);
    if (tenant || project) ctx.out(`Defaults: tenant ${tenant ?? '(none)'}, project ${project ?? '(none)'}\n`);
    return 0;
  },
};
