import { describe, expect, it } from 'vitest';
import { networkError, statusError } from './check-result.js';
import { nextLink, parseChallenge } from './registry-client.js';

describe('check classification', () => {
  it.each([
    ['ENOTFOUND', 'DNS'],
    ['EAI_AGAIN', 'DNS'],
    ['ECONNREFUSED', 'CONNECT'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'TLS'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'TLS'],
    ['ECONNRESET', 'CONNECT'],
  ])('classifies %s as %s', (code, stage) => {
    expect(networkError(Object.assign(new Error('failed'), { code }), 'h:1').stage).toBe(stage);
  });

  it('maps 401 and 403 to AUTH and other statuses to RESPONSE', () => {
    expect(statusError(401, 'x')).toMatchObject({ stage: 'AUTH', code: 'HTTP_401' });
    expect(statusError(403, 'x')).toMatchObject({ stage: 'AUTH', code: 'HTTP_403' });
    expect(statusError(502, 'x')).toMatchObject({ stage: 'RESPONSE', code: 'HTTP_502' });
  });
});

describe('registry headers', () => {
  it('parses Bearer and Basic challenges', () => {
    expect(
      parseChallenge(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"',
      ),
    ).toEqual({
      scheme: 'bearer',
      params: {
        realm: 'https://auth.docker.io/token',
        service: 'registry.docker.io',
        scope: 'repository:samalba/my-app:pull,push',
      },
    });
    expect(parseChallenge('Basic realm="cyclone-test"')).toEqual({
      scheme: 'basic',
      params: { realm: 'cyclone-test' },
    });
  });

  it('finds the next page in a Link header', () => {
    expect(nextLink('</v2/_catalog?last=b&n=2>; rel="next"')).toBe('/v2/_catalog?last=b&n=2');
    expect(nextLink(undefined)).toBeUndefined();
    expect(nextLink('<x>; rel="prev"')).toBeUndefined();
  });
});
