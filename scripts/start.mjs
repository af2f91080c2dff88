#!/usr/bin/env node
// `npm start`: sets up what is missing, builds, and runs the embedded default —
// the API (with embedded Postgres and the local executor) and the web UI.
// Flags: --skip-setup (no install or build; used by the e2e tests).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { repoRoot, startChild, step } from './lib/run.mjs';
import { setupPlatform } from './lib/setup.mjs';

const skipSetup = process.argv.includes('--skip-setup');
if (!skipSetup) setupPlatform();

const apiPort = process.env.PORT || '4000';
const webPort = process.env.WEB_PORT || '3000';
const dataDir = resolve(repoRoot, process.env.CYCLONE_DATA_DIR || '.cyclone');

// The API sandboxes each stage with bubblewrap when it is installed (docs/engine.md, "Host executor").
if (!['/usr/bin/bwrap', '/usr/local/bin/bwrap'].some((path) => existsSync(path))) {
  step('bubblewrap (bwrap) is not installed: stages will run without a sandbox (apt-get install bubblewrap)');
}
step(`starting Cyclone: UI http://127.0.0.1:${webPort}  API http://127.0.0.1:${apiPort}/graphql`);
const children = [
  // The web server proxies /graphql and adds X-Forwarded-For: trust that one hop so that
  // per-IP sign-in limits see the browser's address.
  // The live heap stays near 100 MB; without a limit V8 lets garbage pile up to
  // several hundred MB before collecting (docs/engine.md "Memory").
  startChild('api', process.execPath, ['--max-old-space-size=256', 'apps/api/dist/main.js'], {
    PORT: apiPort,
    CYCLONE_DATA_DIR: dataDir,
    CYCLONE_TRUST_PROXY: process.env.CYCLONE_TRUST_PROXY || '1',
  }),
  startChild('web', process.execPath, ['apps/web/server.mjs'], {
    WEB_PORT: webPort,
    API_URL: `http://127.0.0.1:${apiPort}`,
    NODE_ENV: 'production',
  }),
];

let exitCode = 0;
let isStopping = false;
function stopAll(code) {
  if (isStopping) return;
  isStopping = true;
  exitCode = code;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}

for (const child of children) {
  child.on('exit', (code, signal) => {
    if (!isStopping) {
      process.stderr.write(`cyclone ${child.name} exited (${code ?? signal}); stopping the rest\n`);
      stopAll(code || 1);
    }
    if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(exitCode);
  });
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));
