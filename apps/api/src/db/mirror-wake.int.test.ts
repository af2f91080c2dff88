import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../testing/test-database.js';
import { CHANNELS } from './notification-hub.js';

/**
 * The mirror channel's triggers (migration 20261231100000_mirror_wake): a change of
 * what the Kubernetes mirror writes announces itself; a run number handed out does
 * not. Each check ends with a marker sent after the statement under test: the next
 * notification is the statement's own, or the marker when it sent none.
 */
describe('mirror wake-up notifications', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let listener: pg.Client;
  let writer: pg.Client;
  const received: string[] = [];
  let arrived: (() => void) | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    listener = new pg.Client({ connectionString: database.url });
    writer = new pg.Client({ connectionString: database.url });
    await Promise.all([listener.connect(), writer.connect()]);
    listener.on('notification', (message) => {
      received.push(message.payload ?? '');
      arrived?.();
    });
    await listener.query(`LISTEN ${CHANNELS.mirror}`);
  });

  afterAll(async () => {
    await listener?.end();
    await writer?.end();
    await database?.drop();
  });

  /** What the statement announced: the payloads that came before the marker. */
  async function announced(sql: string, params: unknown[] = []): Promise<string[]> {
    received.length = 0;
    await writer.query(sql, params);
    await writer.query('SELECT pg_notify($1, $2)', [CHANNELS.mirror, 'marker']);
    while (!received.includes('marker')) await new Promise<void>((resolve) => (arrived = resolve));
    return received.slice(0, received.indexOf('marker'));
  }

  it('announces tenants and their objects made, changed and deleted, and not a run number handed out', async () => {
    expect(
      await announced(
        "INSERT INTO tenants (id, name, updated_at) VALUES ('00000000-0000-4000-8000-000000000001', 'acme', now())",
      ),
    ).toEqual(['tenants']);
    expect(
      await announced(`INSERT INTO projects (id, tenant_id, name, updated_at)
        VALUES ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', 'web', now())`),
    ).toEqual(['projects']);
    expect(
      await announced(`INSERT INTO workflows (id, project_id, name, current_version, updated_at)
        VALUES ('00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000002', 'build', 1, now())`),
    ).toEqual(['workflows']);
    // Run numbering, and a statement that touches no row: nothing to mirror.
    expect(await announced('UPDATE workflows SET last_run_number = last_run_number + 1')).toEqual([]);
    expect(await announced("UPDATE tenants SET description = 'x' WHERE name = 'nobody'")).toEqual([]);
    expect(await announced("UPDATE workflows SET description = 'builds', updated_at = now()")).toEqual(['workflows']);
    expect(await announced("DELETE FROM tenants WHERE name = 'acme'")).toEqual(
      expect.arrayContaining(['tenants', 'projects', 'workflows']),
    );
  });
});
