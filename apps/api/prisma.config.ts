// Prisma CLI configuration (generate, migrate dev/status). Prisma 6 runs its schema
// engine as wasm here ("engine: js"), which needs the workarounds below.
import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { defineConfig } from 'prisma/config';

// The wasm schema engine cannot decode the catalog types `name` (19) and `"char"` (18).
function readCatalogTypesAsText<T>(result: T): T {
  for (const r of [result].flat() as { fields?: { dataTypeID: number }[] }[]) {
    for (const field of r?.fields ?? []) if (field.dataTypeID === 18 || field.dataTypeID === 19) field.dataTypeID = 25;
  }
  return result;
}

class CatalogSafeClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: pg's overloads cannot be forwarded with types
  override query(...args: any[]): any {
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      args[args.length - 1] = (err: Error, res: unknown) => last(err, err ? res : readCatalogTypesAsText(res));
      // biome-ignore lint/suspicious/noExplicitAny: see above
      return (super.query as any)(...args);
    }
    // biome-ignore lint/suspicious/noExplicitAny: see above
    const result = (super.query as any)(...args);
    return result?.then ? result.then(readCatalogTypesAsText) : result;
  }
}

function poolConfig(): pg.PoolConfig {
  const raw = process.env.DATABASE_URL;
  if (!raw) throw new Error('DATABASE_URL must be set for Prisma CLI commands');
  const url = new URL(raw);
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password) || undefined,
    database: url.pathname.slice(1),
    allowExitOnIdle: true,
    idleTimeoutMillis: 500,
    Client: CatalogSafeClient as unknown as typeof pg.Client,
  };
}

// Closes the shadow database's pool before dropping it, which Prisma does not do.
class MigrateAdapter extends PrismaPg {
  override async connectToShadowDb() {
    const config = poolConfig();
    const admin = new pg.Pool(config);
    const database = `prisma_shadow_${randomUUID().replaceAll('-', '')}`;
    await admin.query(`CREATE DATABASE "${database}"`);
    const shadow = await new PrismaPg(new pg.Pool({ ...config, database }), { disposeExternalPool: true }).connect();
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose();
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
    };
    return shadow;
  }
}

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: '../../prisma/schema.prisma',
  migrations: { path: '../../prisma/migrations' },
  adapter: async () => new MigrateAdapter(new pg.Pool(poolConfig()), { disposeExternalPool: true }),
});
