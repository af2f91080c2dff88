import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../testing/test-database.js';

const apiDir = fileURLToPath(new URL('../..', import.meta.url));

describe('the API process', () => {
  it('exits with code 2 and names each invalid variable', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: apiDir,
      env: { PATH: process.env.PATH, PORT: 'http', CYCLONE_SESSION_TTL: 'forever' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Invalid configuration');
    expect(result.stderr).toMatch(/PORT: /);
    expect(result.stderr).toMatch(/CYCLONE_SESSION_TTL: must be a duration/);
  });

  // As root the embedded Postgres runs as the postgres user, which cannot enter a 0700 folder.
  it.skipIf(process.getuid?.() !== 0)(
    'as root, stops with one sentence naming CYCLONE_DATA_DIR when the data folder is inside a 0700 folder',
    () => {
      const home = mkdtempSync(join(tmpdir(), 'cyclone-private-home-'));
      try {
        const dataDir = join(home, 'clone', '.cyclone');
        mkdirSync(join(home, 'clone'), { mode: 0o755 });
        const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
          cwd: apiDir,
          env: { PATH: process.env.PATH, PORT: '0', CYCLONE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
          encoding: 'utf8',
          timeout: 30_000,
        });
        expect(result.status).toBe(1);
        const lines = result.stderr.trim().split('\n');
        expect(lines).toEqual([
          `cyclone api cannot start: The embedded Postgres runs as the "postgres" user, which cannot enter ${home} (mode 0700) on the way to CYCLONE_DATA_DIR ${dataDir}: set CYCLONE_DATA_DIR to a folder outside it (e.g. /var/lib/cyclone), or set DATABASE_URL to an external Postgres.`,
        ]);
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    },
  );

  it('stops in order on SIGTERM and exits 0', async () => {
    const database = await createTestDatabase();
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: apiDir,
        env: {
          PATH: process.env.PATH,
          PORT: '0',
          DATABASE_URL: database.url,
          CYCLONE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
          CYCLONE_ADMIN_PASSWORD: 'a-test-password',
        },
      });
      let output = '';
      child.stdout.on('data', (chunk) => {
        output += chunk;
      });
      const ready = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ready line in: ${output}`)), 45_000);
        child.stdout.on('data', () => {
          const line = output.split('\n').find((l) => l.includes('"cyclone api ready"'));
          if (line) {
            clearTimeout(timer);
            resolve(JSON.parse(line).url as string);
          }
        });
      });
      expect((await fetch(`${ready}/healthz`)).status).toBe(200);
      const exitCode = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      expect(await exitCode).toBe(0);
      expect(output).toContain('"msg":"stopped"');
    } finally {
      await database.drop();
    }
  }, 60_000);
});
