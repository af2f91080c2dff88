import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from './commands/index.js';
import { cliVersion, main } from './main.js';

async function call(argv: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    env: { CYCLONE_CONFIG: '/nonexistent/cyclone.json', ...env },
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    readStdin: async () => '',
  });
  return { code, stdout, stderr };
}

describe('main', () => {
  it('has --help for every command, and a version', async () => {
    for (const { spec } of COMMANDS) {
      const result = await call([spec.name, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: cyclone ${spec.usage}`);
      expect(result.stdout).toContain('--tenant NAME');
    }
    expect((await call(['--version'])).stdout).toBe(`cyclone ${cliVersion()}\n`);
    expect(cliVersion()).toMatch(/^\d+\.\d+\.\d+/);
    const top = await call(['--help']);
    for (const { spec } of COMMANDS) expect(top.stdout).toContain(`  ${spec.name}`);
  });

  it('exits 2 with a pointer to the help on a usage error', async () => {
    expect(await call(['deploy'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'cyclone: unknown command "deploy"\nRun cyclone --help for the commands.\n',
    });
    const missing = await call(['logs']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      'cyclone: missing arguments: cyclone logs RUN [--stage S] [--follow] | logs search QUERY [--since AGE] [--workflow W] [--limit N] [-o FORMAT]\nRun cyclone logs --help for its usage.\n',
    );
    expect((await call(['get', 'pipelines', '--server', 'h'])).stderr).toContain('cannot get "pipelines"');
    expect((await call(['run', 'x', '--timeout', 'soon', '--server', 'h'])).stderr).toContain(
      '--timeout "soon" is not a duration',
    );
    expect((await call([])).code).toBe(2);
  });

  it('asks to log in before anything remote, and for a tenant once signed in', async () => {
    const signedOut = await call(['get', 'workflows']);
    expect(signedOut).toMatchObject({
      code: 1,
      stderr: 'cyclone: no server: run cyclone login --server URL, or set CYCLONE_SERVER\n',
    });
    const noTenant = await call(['get', 'workflows'], { CYCLONE_SERVER: 'http://127.0.0.1:4000' });
    expect(noTenant.code).toBe(2);
    expect(noTenant.stderr).toContain('no tenant: pass --tenant NAME or run cyclone config set tenant NAME');
  });

  it('prints completion scripts that bash accepts', async () => {
    const bash = await call(['completion', 'bash']);
    expect(bash.stdout).toContain('complete -F _cyclone cyclone');
    for (const { spec } of COMMANDS) expect(bash.stdout).toContain(`    ${spec.name}) opts="`);
    expect(spawnSync('bash', ['-n'], { input: bash.stdout }).status).toBe(0);
    const zsh = await call(['completion', 'zsh']);
    expect(zsh.stdout).toContain('bashcompinit');
    expect((await call(['completion', 'fish'])).code).toBe(2);
  });
});
