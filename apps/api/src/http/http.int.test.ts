import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../testing/test-api.js';

describe('HTTP endpoints', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.stop());

  it('reports health once the database answers', async () => {
    const response = await fetch(`${api.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      // How this machine isolates stages (host-isolation.ts); the web shows a banner unless it is bubblewrap.
      executor: expect.objectContaining({ kind: 'host', isolation: expect.stringMatching(/^(bubblewrap|user|none)$/) }),
    });
  });

  it('exposes Prometheus metrics, counting requests', async () => {
    await fetch(`${api.url}/healthz`);
    const text = await (await fetch(`${api.url}/metrics`)).text();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).not.toContain('cyclone_process_cpu_user_seconds_total');
    expect(text).toMatch(/cyclone_http_requests_total\{method="GET",route="\/healthz",status="200"\} [1-9]/);
  });

  it('echoes a sane X-Request-Id and replaces an unsafe one', async () => {
    const kept = await fetch(`${api.url}/healthz`, { headers: { 'x-request-id': 'abc-123' } });
    expect(kept.headers.get('x-request-id')).toBe('abc-123');
    const replaced = await fetch(`${api.url}/healthz`, { headers: { 'x-request-id': 'bad id\twith tabs' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers GraphQL queries over GET too', async () => {
    const response = await fetch(`${api.url}/graphql?query=${encodeURIComponent('{ version }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { version: expect.any(String) } });
  });
});
