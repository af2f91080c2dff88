#!/usr/bin/env node
// Writes the values table of charts/cyclone/README.md from the comments of its
// values.yaml (a unit test fails when the README is behind). Needs packages built.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withValuesTable } from '../packages/k8s/dist/chart/values-table.js';
import { repoRoot } from './lib/run.mjs';

const chart = join(repoRoot, 'charts/cyclone');
const readme = join(chart, 'README.md');
writeFileSync(readme, withValuesTable(readFileSync(readme, 'utf8'), readFileSync(join(chart, 'values.yaml'), 'utf8')));
process.stdout.write(`wrote ${readme}\n`);
