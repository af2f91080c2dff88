import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { probeServer } from './integration-probe.js';

describe('probeServer', () => {
  it('reports a server that does not answer in time', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const result = await probeServer(`http://127.0.0.1:${port}/`, 200);
    silent.closeAllConnections();
    silent.close();
    expect(result).toEqual({ ok: false, message: `127.0.0.1:${port} did not answer within 0.2 s` });
  });

  it('reports a TLS certificate it cannot trust', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cyclone-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const server = createTlsServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      (_req, res) => res.end('ok'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const result = await probeServer(`https://127.0.0.1:${port}/`);
    server.close();
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/^TLS error talking to 127\.0\.0\.1:\d+: .*(self-signed|certificate)/i);
  });
});

describe('CYCLONE_ENCRYPTION_KEY', () => {
  it('is decoded when valid and named when not', () => {
    const key = Buffer.alloc(32, 7);
    expect(loadConfig({ CYCLONE_ENCRYPTION_KEY: key.toString('base64') }).secrets.encryptionKey).toEqual(key);
    expect(loadConfig({ CYCLONE_DATA_DIR: '/var/lib/cyclone' }).secrets).toEqual({
      encryptionKey: undefined,
      keyFile: '/var/lib/cyclone/encryption.key',
    });
    expect(() => loadConfig({ CYCLONE_ENCRYPTION_KEY: Buffer.alloc(16).toString('base64') })).toThrow(
      /CYCLONE_ENCRYPTION_KEY: must be the base64 encoding of exactly 32 bytes/,
    );
    expect(() => loadConfig({ CYCLONE_ENCRYPTION_KEY: 'not base64 at all!' })).toThrow(/CYCLONE_ENCRYPTION_KEY/);
  });
});
