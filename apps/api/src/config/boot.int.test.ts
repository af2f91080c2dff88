import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
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
