#!/usr/bin/env node
// Dependency audit: `pnpm audit` over the lockfile, failing on a high or critical
// advisory. Exit codes: 0 none found, 1 advisories found (listed), 3 the registry's
// audit endpoint did not answer (its exact error printed; nothing was checked).
import { spawnSync } from 'node:child_process';
import { repoRoot } from './lib/run.mjs';

export const AUDIT_UNAVAILABLE = 3;

const LEVEL = 'high';
// What pnpm prints when the endpoint, not the dependencies, is the problem.
const UNAVAILABLE = /ERR_PNPM_AUDIT_BAD_RESPONSE|ERR_PNPM_AUDIT_ENDPOINT|ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT/;

export function audit() {
  const result = spawnSync('pnpm', ['audit', '--audit-level', LEVEL, '--json'], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
  let report;
  try {
    report = JSON.parse(result.stdout);
  } catch {
    report = undefined;
  }
  if (result.status !== 0 && UNAVAILABLE.test(output)) {
    const why = report?.error ? `${report.error.code}  ${report.error.message}` : output.trim();
    process.stdout.write(`dependency audit not checked: the registry's audit endpoint did not answer\n  ${why}\n`);
    return AUDIT_UNAVAILABLE;
  }
  if (!report || report.error) {
    process.stdout.write(`dependency audit failed to run (exit ${result.status}):\n${output.trim()}\n`);
    return 1;
  }
  const advisories = Object.values(report.advisories ?? {}).filter(
    (advisory) => advisory.severity === 'high' || advisory.severity === 'critical',
  );
  for (const advisory of advisories) {
    process.stdout.write(
      `  ${advisory.severity}: ${advisory.module_name} ${advisory.vulnerable_versions} — ${advisory.title} (${advisory.url})\n`,
    );
  }
  const counts = report.metadata?.vulnerabilities ?? {};
  process.stdout.write(
    `dependency audit: ${counts.critical ?? 0} critical, ${counts.high ?? 0} high, ${counts.moderate ?? 0} moderate, ${counts.low ?? 0} low\n`,
  );
  return advisories.length > 0 ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(audit());
