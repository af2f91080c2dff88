import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHART_DIR } from '../testing/helm.js';
import { valuesTable, withValuesTable } from './values-table.js';

describe('the chart values table', () => {
  it('lists documented keys with their dotted path and default', () => {
    const table = valuesTable(
      ['# -- Top level.', 'logLevel: info', 'api:', '  # -- How many.', '  replicas: 2', '  undocumented: x', ''].join(
        '\n',
      ),
    );
    expect(table.split('\n').slice(2)).toEqual([
      '| `logLevel` | `"info"` | Top level. |',
      '| `api.replicas` | `2` | How many. |',
    ]);
  });

  it('is current in charts/cyclone/README.md (node scripts/sync-chart.mjs writes it)', () => {
    const readme = readFileSync(join(CHART_DIR, 'README.md'), 'utf8');
    const values = readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8');
    expect(readme).toBe(withValuesTable(readme, values));
    expect(readme).toContain('| `database.existingSecret` |');
  });
});
