import { readFileSync } from 'node:fs';
import { formatHelp } from './args.js';
import { COMMANDS, findCommand } from './commands/index.js';
import { CommandContext, type Runtime } from './context.js';
import { CliError, EXIT, UsageError } from './errors.js';

export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function topLevelHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.spec.name.length));
  return `cyclone: the command line of Cyclone, CI/CD workflows on Kubernetes.

Usage: cyclone COMMAND [options]

Commands:
${COMMANDS.map((c) => `  ${c.spec.name.padEnd(width)}  ${c.spec.summary}`).join('\n')}

Every command takes --tenant and --project (defaults: cyclone config set tenant|project);
CYCLONE_SERVER and CYCLONE_TOKEN override the config file, CYCLONE_CONFIG names another one.
Exit codes: 0 ok, 1 failure (or a followed run that did not succeed), 2 usage error.

cyclone COMMAND --help shows a command's options; cyclone --version the version.
`;
}

/** Runs one command line and returns its exit code; never throws. */
export async function main(argv: string[], runtime: Runtime): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      const target = name === 'help' && rest[0] ? findCommand(rest[0]) : undefined;
      runtime.stdout.write(target ? formatHelp(target.spec) : topLevelHelp());
      return name === undefined ? EXIT.usage : EXIT.ok;
    }
    if (name === '--version' || name === '-v' || name === 'version') {
      runtime.stdout.write(`cyclone ${cliVersion()}\n`);
      return EXIT.ok;
    }
    const command = findCommand(name);
    if (!command) throw new UsageError(`unknown command "${name}"`);
    const ctx = CommandContext.parse(command.spec, rest, runtime);
    if (ctx.args.values.help) {
      runtime.stdout.write(formatHelp(command.spec));
      return EXIT.ok;
    }
    // Say "log in" before asking for a tenant: nothing remote works without a server.
    if (command.spec.isRemote && command.spec.name !== 'login') ctx.api();
    return await command.run(ctx);
  } catch (error) {
    if (error instanceof UsageError) {
      const help = error.command ?? (findCommand(name ?? '') ? name : undefined);
      runtime.stderr.write(`cyclone: ${error.message}\n`);
      runtime.stderr.write(
        help ? `Run cyclone ${help} --help for its usage.\n` : 'Run cyclone --help for the commands.\n',
      );
      return error.exitCode;
    }
    if (error instanceof CliError) {
      runtime.stderr.write(`cyclone: ${error.message}\n`);
      return error.exitCode;
    }
    runtime.stderr.write(`cyclone: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT.failure;
  }
}
