import { basicAuth, httpRequest, joinUrl, parseJson } from './check-http-client.js';
import { CheckError, hostOf, statusError } from './check-result.js';

export interface SonarQubeSettings {
  server: string;
  token?: string;
  timeoutMs: number;
}

/**
 * SonarQube's web API: `GET /api/system/status` ({id, version, status: UP|STARTING|…})
 * says the server runs; `GET /api/authentication/validate` ({valid: boolean}) with the
 * token as the Basic user and an empty password says whether the token is accepted
 * (SonarQube answers 200 with valid:false for a bad token, not 401).
 */
export async function checkSonarQube(settings: SonarQubeSettings): Promise<string> {
  const what = `SonarQube ${hostOf(settings.server)}`;
  const status = await httpRequest(joinUrl(settings.server, '/api/system/status'), { timeoutMs: settings.timeoutMs });
  if (status.status !== 200) throw statusError(status.status, what);
  const system = parseJson<{ status?: string; version?: string }>(status, what);
  if (system.status !== 'UP') {
    throw new CheckError(
      'RESPONSE',
      `${what} is not ready: status ${system.status ?? 'unknown'}`,
      `STATUS_${system.status ?? 'UNKNOWN'}`,
    );
  }
  if (!settings.token) return `${what} is UP (version ${system.version ?? '?'}); no token to check`;
  const validate = await httpRequest(joinUrl(settings.server, '/api/authentication/validate'), {
    timeoutMs: settings.timeoutMs,
    headers: { authorization: basicAuth(settings.token, '') },
  });
  if (validate.status !== 200) throw statusError(validate.status, what);
  const { valid } = parseJson<{ valid?: boolean }>(validate, what);
  if (valid !== true) throw new CheckError('AUTH', `${what} does not accept the token (valid: false)`, 'INVALID_TOKEN');
  return `${what} is UP (version ${system.version ?? '?'}) and accepts the token`;
}
