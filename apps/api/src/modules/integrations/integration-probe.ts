export interface ProbeResult {
  ok: boolean;
  message: string;
}

const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_SSL/i;

/**
 * A reachability check only: an HTTP(S) GET of the server URL. Any HTTP answer below
 * 500 means the server is there; credentials are not checked yet (that needs the
 * per-type API calls that come with the integrations issue), and the message says so.
 */
export async function probeServer(server: string, timeoutMs = 5_000): Promise<ProbeResult> {
  const host = safeHost(server);
  try {
    const response = await fetch(server, {
      method: 'GET',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: { 'user-agent': 'cyclone-integration-check' },
    });
    await response.body?.cancel();
    const isOk = response.status < 500;
    return {
      ok: isOk,
      message: isOk
        ? `${host} answered HTTP ${response.status}: the server is reachable (credentials are not checked yet)`
        : `${host} answered HTTP ${response.status}: the server is reachable but failing`,
    };
  } catch (error) {
    return { ok: false, message: describeFailure(error, host, timeoutMs) };
  }
}

function describeFailure(error: unknown, host: string, timeoutMs: number): string {
  const name = (error as { name?: string }).name;
  if (name === 'TimeoutError' || name === 'AbortError') return `${host} did not answer within ${timeoutMs / 1000} s`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `DNS lookup of ${host} failed (${code})`;
  if (code === 'ECONNREFUSED') return `${host} refused the connection`;
  if (code === 'ECONNRESET') return `${host} closed the connection`;
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `${host} is unreachable (${code})`;
  if (TLS_CODES.test(code) || TLS_CODES.test(cause?.message ?? '')) {
    return `TLS error talking to ${host}: ${cause?.message ?? code}`;
  }
  return `could not reach ${host}: ${cause?.message ?? (error as Error).message ?? 'unknown error'}`;
}

function safeHost(server: string): string {
  try {
    return new URL(server).host;
  } catch {
    return server;
  }
}
