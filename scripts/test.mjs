#!/usr/bin/env node
// `npm test`: the whole suite with its set-up — unit tests, API integration tests on
// a throwaway Postgres, Kubernetes integration tests on a real control plane (kwok
// nodes, and one real kubelet node in a network namespace of its own), and
// the Playwright e2e tests in Chromium — then one closing line "N passed, N failed".
//
// `npm test -- <vitest filters>` runs only the matching vitest files (no e2e), for
// quick work on one file.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { AUDIT_UNAVAILABLE, audit } from './audit.mjs';
import { repoRoot, run, step } from './lib/run.mjs';
import { ensureBaseImage, ensureTestImages, ensureTestPackages, setupPlatform, startGoBuilds } from './lib/setup.mjs';

const filters = process.argv.slice(2);
const resultsDir = join(repoRoot, 'test-results');
const vitestReport = join(resultsDir, 'vitest.json');
const realNodeReport = join(resultsDir, 'vitest-real-node.json');
const e2eReport = join(resultsDir, 'e2e.json');
const timings = [];

function timed(title, fn) {
  step(title);
  const started = Date.now();
  try {
    return fn();
  } finally {
    timings.push(`${title}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

async function timedAsync(title, fn) {
  step(title);
  const started = Date.now();
  try {
    return await fn();
  } finally {
    timings.push(`${title}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

/** Runs a test layer; its failure is counted from its report, not thrown. */
function runLayer(title, command, args) {
  try {
    timed(title, () => run(command, args));
    return true;
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    return false;
  }
}

function readJson(path) {
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
}

/** The first line of a failure message, short enough for the closing summary. */
function firstLine(message) {
  const line =
    stripVTControlCharacters(String(message ?? ''))
      .split('\n')
      .find((l) => l.trim()) ?? '';
  return line.trim().slice(0, 300);
}

/**
 * A file that failed with no failed test: an import error, or a beforeAll/afterAll hook
 * (its tests then count as skipped). Counted as one failure, whatever vitest's exit code.
 */
function isFailedOutsideTests(file) {
  return file.status === 'failed' && !file.assertionResults.some((test) => test.status === 'failed');
}

/** Failed tests of a vitest JSON report, and files that failed outside their tests; one when there is no report. */
function vitestFailureCount(report) {
  return report ? report.numFailedTests + report.testResults.filter(isFailedOutsideTests).length : 1;
}

/** Names every failed test of a vitest JSON report (and files that failed before any test ran). */
function vitestFailures(report) {
  const out = [];
  for (const file of report?.testResults ?? []) {
    const name = file.name.startsWith(repoRoot) ? file.name.slice(repoRoot.length + 1) : file.name;
    if (isFailedOutsideTests(file)) {
      out.push(
        `${name}: ${firstLine(file.message) || 'failed outside its tests, in a hook or on import (its error is above)'}`,
      );
    }
    for (const test of file.assertionResults) {
      if (test.status === 'failed') out.push(`${name} › ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
    }
  }
  return out;
}

/** Names every unexpected test of a Playwright JSON report. */
function playwrightFailures(report) {
  const out = [];
  const walk = (suite, path) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status !== 'unexpected') continue;
        const error = test.results?.at(-1)?.error?.message;
        out.push(`${spec.file} › ${[...path, spec.title].join(' › ')}: ${firstLine(error)}`);
      }
    }
    for (const child of suite.suites ?? []) walk(child, [...path, child.title]);
  };
  // Top-level suites are files; their specs already carry the file name.
  for (const suite of report?.suites ?? []) walk(suite, []);
  return out;
}

let setupFailed = false;
const goBuildsLog = join(resultsDir, 'set-up-go-builds.log');
const goBuildsStarted = Date.now();
const goBuilds = startGoBuilds(goBuildsLog);
try {
  timed('set-up: pnpm, dependencies, build', setupPlatform);
  timed('set-up: Debian test packages', ensureTestPackages);
  await timedAsync('set-up: Debian base image', ensureBaseImage);
  if (filters.length === 0) {
    await timedAsync(
      'set-up: waiting for the control plane binaries (the test images need pause)',
      () => goBuilds.controlPlane,
    );
    await timedAsync('set-up: real-node test images', ensureTestImages);
  }
  await timedAsync('set-up: waiting for the Go builds', () => goBuilds.all);
} catch (error) {
  process.stderr.write(`\n${error.message}\n`);
  setupFailed = true;
  goBuilds.stop();
} finally {
  // Their exit is seen only when this process next waits, so they are timed by their log's last write.
  const goSeconds = ((statSync(goBuildsLog).mtimeMs - goBuildsStarted) / 1000).toFixed(1);
  timings.push(`set-up: Go builds, in the background: ${setupFailed ? 'stopped' : `${goSeconds} s`}`);
  step('Go builds of the test set-up');
  process.stdout.write(readFileSync(goBuildsLog, 'utf8'));
}

let passed = 0;
let failed = 0;
let layersOk = !setupFailed;
const notChecked = [];
/** Each failed test, named again at the very end so the last lines of the output show it. */
const failures = [];
// Static checks count as one check each; a failure does not stop the test layers.
if (!setupFailed && filters.length === 0) {
  for (const [title, args] of [
    ['lint (biome)', ['exec', 'biome', 'check', '.']],
    ['typecheck', ['exec', 'turbo', 'run', 'typecheck', '--output-logs=errors-only']],
  ]) {
    const ok = runLayer(title, 'pnpm', args);
    passed += ok ? 1 : 0;
    failed += ok ? 0 : 1;
    layersOk &&= ok;
  }
  // Counted only when the registry's audit endpoint answers; otherwise its error is printed.
  const audited = timed('dependency audit (pnpm audit, high and critical)', audit);
  if (audited === AUDIT_UNAVAILABLE) notChecked.push('dependency audit: the audit endpoint did not answer (see above)');
  else {
    passed += audited === 0 ? 1 : 0;
    failed += audited === 0 ? 0 : 1;
    layersOk &&= audited === 0;
  }
}
if (!setupFailed) {
  mkdirSync(resultsDir, { recursive: true });
  rmSync(vitestReport, { force: true });
  rmSync(realNodeReport, { force: true });
  rmSync(e2eReport, { force: true });

  const vitestOk = runLayer('unit + integration tests (vitest)', 'pnpm', [
    'exec',
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${vitestReport}`,
    ...filters,
  ]);
  const vitest = readJson(vitestReport);
  failures.push(...vitestFailures(vitest));
  passed += vitest?.numPassedTests ?? 0;
  failed += vitestFailureCount(vitest);
  layersOk &&= vitestOk;

  if (filters.length === 0) {
    // Stage pods on a real kubelet, inside a network namespace of their own.
    const realNodeOk = runLayer('real-node tests (vitest, own network namespace)', 'node', [
      'scripts/testenv/netns.mjs',
      'pnpm',
      'exec',
      'vitest',
      'run',
      '--config',
      'apps/api/vitest.node.config.ts',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${realNodeReport}`,
    ]);
    const realNode = readJson(realNodeReport);
    failures.push(...vitestFailures(realNode));
    passed += realNode?.numPassedTests ?? 0;
    failed += vitestFailureCount(realNode);
    layersOk &&= realNodeOk;

    const e2eOk = runLayer('end-to-end tests (Playwright, Chromium)', 'pnpm', ['--filter', '@cyclone/e2e', 'test']);
    const e2e = readJson(e2eReport);
    failures.push(...playwrightFailures(e2e));
    passed += (e2e?.stats?.expected ?? 0) + (e2e?.stats?.flaky ?? 0);
    failed += e2e ? e2e.stats.unexpected : 1;
    layersOk &&= e2eOk;
  }
}

step('timings');
for (const line of timings) process.stdout.write(`  ${line}\n`);
if (setupFailed) process.stdout.write('set-up failed: no tests ran\n');
for (const line of notChecked) process.stdout.write(`not checked: ${line}\n`);
for (const line of failures) process.stdout.write(`failed: ${line}\n`);
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(layersOk && failed === 0 && passed > 0 ? 0 : 1);
