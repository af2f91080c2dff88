import { CONFIG_KEYS, type ConfigKey, readConfig, writeConfig } from '../config.js';
import type { Command } from '../context.js';
import { UsageError } from '../errors.js';

const SETTABLE: readonly ConfigKey[] = ['server', 'tenant', 'project'];

export const configCommand: Command = {
  spec: {
    name: 'config',
    summary: 'Show or change the defaults in the config file.',
    usage: 'config (show | set tenant|project|server VALUE | unset tenant|project|server|token)',
    isRemote: false,
    positionals: { min: 1, max: 3 },
    options: {},
    details: `Examples:
  cyclone config set tenant acme
  cyclone config set project web
  cyclone config show`,
  },
  async run(ctx) {
    const [action, key, value] = ctx.args.positionals;
    const path = ctx.settings.configFile;
    const config = readConfig(path);
    switch (action) {
      case 'show':
      case 'view': {
        if (key) throw new UsageError(`config ${action} takes no argument`, 'config');
        ctx.out(`config file: ${path}\n`);
        for (const name of CONFIG_KEYS) {
          const shown = name === 'token' && config.token ? `${config.token.slice(0, 8)}…` : (config[name] ?? '');
          ctx.out(`${name}: ${shown}\n`);
        }
        return 0;
      }
      case 'set': {
        if (!key || !SETTABLE.includes(key as ConfigKey) || value === undefined) {
          throw new UsageError(`usage: cyclone config set ${SETTABLE.join('|')} VALUE`, 'config');
        }
        writeConfig(path, { ...config, [key]: value });
        ctx.out(`${key} set to ${value} in ${path}\n`);
        return 0;
      }
      case 'unset': {
        if (!key || !(CONFIG_KEYS as readonly string[]).includes(key) || value !== undefined) {
          throw new UsageError(`usage: cyclone config unset ${CONFIG_KEYS.join('|')}`, 'config');
        }
        writeConfig(path, { ...config, [key]: undefined });
        ctx.out(`${key} removed from ${path}\n`);
        return 0;
      }
      default:
        throw new UsageError(`unknown config action "${action}": use show, set or unset`, 'config');
    }
  },
};
