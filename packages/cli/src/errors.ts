/** Exit codes of every command: 0 ok, 1 failure (or a followed run that did not succeed), 2 usage. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** A failure to report as one line on stderr, with the exit code to end with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The command line itself is wrong: exit code 2 and a pointer to the help. */
export class UsageError extends CliError {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message, EXIT.usage);
    this.name = 'UsageError';
  }
}

/** An error the API answered with: its `extensions.code` and message. */
export class ApiError extends CliError {
  constructor(
    readonly code: string,
    readonly apiMessage: string,
    readonly problems: { field?: string; message: string }[] = [],
    /** Whether a token was sent: UNAUTHENTICATED then means it is bad, else that none was given. */
    hasToken = true,
  ) {
    super(
      code === 'UNAUTHENTICATED' && !hasToken
        ? 'not signed in: run cyclone login --server URL (or set CYCLONE_TOKEN)'
        : describeApiError(code, apiMessage, problems),
    );
    this.name = 'ApiError';
  }
}

export const UNAUTHENTICATED_HINT = 'your token is invalid or expired: run cyclone login';

function describeApiError(code: string, message: string, problems: { field?: string; message: string }[]): string {
  if (code === 'UNAUTHENTICATED') return `${UNAUTHENTICATED_HINT} (${message})`;
  const lines = [`${code}: ${message}`];
  // The message names the first problem; list the others too.
  for (const problem of problems.slice(1)) {
    lines.push(`  ${problem.field ? `${problem.field}: ` : ''}${problem.message}`);
  }
  return lines.join('\n');
}

/** Network errors of fetch and ws carry their cause's code (ECONNREFUSED, ENOTFOUND, …). */
export function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z]+/.test(code)) return code;
    const errors = (current as { errors?: unknown[] }).errors;
    if (Array.isArray(errors) && errors.length > 0) current = errors[0];
    else current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function unreachable(server: string, error: unknown): CliError {
  const reason = networkErrorCode(error) ?? ((error as Error | undefined)?.cause as Error | undefined)?.message;
  return new CliError(`cannot reach ${server}: is the API running?${reason ? ` (${reason})` : ''}`);
}
