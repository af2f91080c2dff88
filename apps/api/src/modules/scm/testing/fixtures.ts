import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** A documentation-shaped payload from modules/scm/fixtures/<provider>/<name>.json. */
export function fixture(provider: string, name: string): unknown {
  return JSON.parse(readFileSync(join(root, provider, `${name}.json`), 'utf8'));
}
