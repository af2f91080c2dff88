#!/usr/bin/env node
// Brings charts/cyclone up to date with its sources: copies the CRDs from k8s/crds and
// writes the values table of its README from the comments of values.yaml. Tests fail
// when the chart is behind (packages/k8s/src/chart). Needs packages built.
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withValuesTable } from '../packages/k8s/dist/chart/values-table.js';
import { repoRoot } from './lib/run.mjs';

const chart = join(repoRoot, 'charts/cyclone');
const crds = join(repoRoot, 'k8s/crds');
for (const file of readdirSync(crds).filter((name) => name.endsWith('.yaml') && name !== 'kustomization.yaml')) {
  copyFileSync(join(crds, file), join(chart, 'crds', file));
}
const readme = join(chart, 'README.md');
writeFileSync(readme, withValuesTable(readFileSync(readme, 'utf8'), readFileSync(join(chart, 'values.yaml'), 'utf8')));
process.stdout.write(`synced ${chart}\n`);
