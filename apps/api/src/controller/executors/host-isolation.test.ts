import { describe, expect, it } from 'vitest';
import { decideHostIsolation, isLoopbackHost } from './host-isolation.js';

const decide = (input: Partial<Parameters<typeof decideHostIsolation>[0]>) =>
  decideHostIsolation({ hasBubblewrap: false, isRoot: false, host: '127.0.0.1', executor: 'auto', ...input });

describe('isLoopbackHost', () => {
  it('knows loopback listen addresses from the others', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of [
      '0.0.0.0',
      '::',
      '[::]',
      '192.168.1.20',
      '10.0.0.1',
      'cyclone.example.com',
      '127.0.0.1.nip.io',
    ]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});

describe('decideHostIsolation', () => {
  it('sandboxes every stage when bubblewrap works, whatever the address', () => {
    for (const host of ['127.0.0.1', '0.0.0.0']) {
      for (const isRoot of [false, true]) {
        expect(decide({ hasBubblewrap: true, isRoot, host })).toEqual({ isolation: 'bubblewrap' });
      }
    }
  });

  it('without bubblewrap, on loopback: runs stages (as the API user, or as the stage user when root) and warns', () => {
    const plain = decide({ host: 'localhost' });
    expect(plain.isolation).toBe('none');
    expect(plain.refusal).toBeUndefined();
    expect(plain.warning).toMatch(/^bubblewrap \(bwrap\) is not available: stages run without any isolation/);
    const asRoot = decide({ isRoot: true, host: '::1' });
    expect(asRoot.isolation).toBe('user');
    expect(asRoot.refusal).toBeUndefined();
    expect(asRoot.warning).toContain('as the user cyclone-stage');
  });

  it('without bubblewrap, on any other address: refuses stages unless CYCLONE_EXECUTOR=host', () => {
    const refused = decide({ host: '0.0.0.0' });
    expect(refused.isolation).toBe('none');
    expect(refused.refusal).toBe(
      "stages are refused: bubblewrap (bwrap) is not available to sandbox them and the API listens on 0.0.0.0, not on loopback; install bubblewrap (apt-get install bubblewrap), or set CYCLONE_EXECUTOR=host to run them unisolated, as the API's own user",
    );
    expect(decide({ isRoot: true, host: '10.0.0.5' }).refusal).toContain(
      'set CYCLONE_EXECUTOR=host to run them as the user cyclone-stage without a sandbox',
    );
    for (const executor of ['auto', 'container', 'kubernetes']) {
      expect(decide({ host: '0.0.0.0', executor }).refusal, executor).toBeDefined();
    }
    const explicit = decide({ host: '0.0.0.0', executor: 'host' });
    expect(explicit.isolation).toBe('none');
    expect(explicit.refusal).toBeUndefined();
    expect(explicit.warning).toContain('CYCLONE_EXECUTOR=host');
    const explicitRoot = decide({ isRoot: true, host: '0.0.0.0', executor: 'host' });
    expect(explicitRoot.isolation).toBe('user');
    expect(explicitRoot.refusal).toBeUndefined();
  });
});
