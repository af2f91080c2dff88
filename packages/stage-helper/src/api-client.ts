/** Answers that retrying cannot change: the attempt ended (409) or the token is refused (401). */
export class FinalRefusal extends Error {}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How the helper reaches the API to move files (artifacts, caches, resource pushes). */
export interface StageTransfer {
  apiUrl: string;
  token: string;
  /** A line for the stage log (`[cyclone] …`). */
  log: (line: string) => void;
  /** Tries of a retried transfer (artifacts). */
  attempts?: number;
  fetchImpl?: typeof fetch;
}

/** `path` (starting with a slash) on the API, whether or not the base URL ends with one. */
export function apiPath(apiUrl: string, path: string): string {
  return `${apiUrl.replace(/\/+$/, '')}${path}`;
}

/**
 * POSTs JSON to the Cyclone API with the stage token, retrying network errors and
 * 5xx with backoff (the API stores batches by seq, so a repeat adds nothing).
 */
export async function postJson(
  apiUrl: string,
  token: string,
  path: string,
  body: unknown,
  options: { attempts?: number; fetchImpl?: typeof fetch } = {},
): Promise<void> {
  const attempts = options.attempts ?? 8;
  const doFetch = options.fetchImpl ?? fetch;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      const response = await doFetch(apiPath(apiUrl, path), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      if (response.ok) return;
      const text = await response.text();
      if (response.status === 401 || response.status === 409 || response.status === 400) {
        throw new FinalRefusal(`${path}: ${response.status} ${text}`);
      }
      lastError = new Error(`${path}: ${response.status} ${text}`);
    } catch (error) {
      if (error instanceof FinalRefusal) throw error;
      lastError = error;
    }
    await sleep(Math.min(200 * 2 ** attempt, 5_000));
  }
  throw lastError;
}
