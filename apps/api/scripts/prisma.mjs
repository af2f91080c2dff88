#!/usr/bin/env node
// Runs the Prisma CLI offline. With the js engine and the client engine type Prisma
// needs no native query engine, but its CLI still checks for one at start and tries
// to download it; an empty stand-in file satisfies that check.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const placeholder = join(tmpdir(), 'cyclone-prisma-no-query-engine');
writeFileSync(placeholder, '');
const result = spawnSync('prisma', [...process.argv.slice(2), '--config', 'prisma.config.ts'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    PRISMA_QUERY_ENGINE_LIBRARY: placeholder,
    PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  },
});
process.exit(result.status ?? 1);
