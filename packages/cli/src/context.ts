import { type CommandSpec, type ParsedArgs, parseCommandArgs, stringOption } from './args.js';
import { ApiClient } from './client.js';
import { resolveSettings, type Settings } from './config.js';
import { CliError, UsageError } from './errors.js';
import { isColourEnabled } from './output.js';

export interface Runtime {
  env: Record<string, string | undefined>;
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  readStdin(): Promise<string>;
}

/** What a command gets: its parsed arguments, the resolved settings and a way to the API. */
export class CommandContext {
  private resolved: Settings | undefined;
  readonly isColoured: boolean;

  constructor(
    readonly spec: CommandSpec,
    readonly args: ParsedArgs,
    readonly runtime: Runtime,
  ) {
    this.isColoured = isColourEnabled(runtime.stdout, runtime.env);
  }

  /** Read on first use, so that `--help` and offline commands work whatever the config file holds. */
  get settings(): Settings {
    this.resolved ??= resolveSettings(
      {
        server: stringOption(this.args, 'server'),
        token: stringOption(this.args, 'token'),
        tenant: stringOption(this.args, 'tenant'),
        project: stringOption(this.args, 'project'),
      },
      this.runtime.env,
    );
    return this.resolved;
  }

  static parse(spec: CommandSpec, argv: string[], runtime: Runtime): CommandContext {
    return new CommandContext(spec, parseCommandArgs(spec, argv), runtime);
  }

  out(text: string): void {
    this.runtime.stdout.write(text);
  }

  err(text: string): void {
    this.runtime.stderr.write(text);
  }

  api(): ApiClient {
    const { server, token } = this.settings;
    if (!server) throw new CliError('no server: run cyclone login --server URL, or set CYCLONE_SERVER');
    return new ApiClient(server, token);
  }

  /** The tenant and project every project-level command works in. */
  scope(): { tenant: string; project: string } {
    const { tenant, project } = this.settings;
    if (!tenant) throw new UsageError('no tenant: pass --tenant NAME or run cyclone config set tenant NAME');
    if (!project) throw new UsageError('no project: pass --project NAME or run cyclone config set project NAME');
    return { tenant, project };
  }
}

export interface Command {
  spec: CommandSpec;
  run(ctx: CommandContext): Promise<number>;
}
