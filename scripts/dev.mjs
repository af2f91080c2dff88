#!/usr/bin/env node
// `npm run dev`: the embedded default with reload — the API under tsx watch and the
// web app under Next's dev server. Dependencies must be installed (npm start once).
import { resolve } from 'node:path';
import { repoRoot, run, startChild, step } from './lib/run.mjs';

step('building shared packages');
run('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=@cyclone/api^...', '--filter=@cyclone/web^...']);
run('pnpm', ['--filter', '@cyclone/api', 'run', 'generate']);

const apiPort = process.env.PORT || '4000';
const webPort = process.env.WEB_PORT || '3000';
const children = [
  startChild('api', 'pnpm', ['--filter', '@cyclone/api', 'run', 'dev'], {
    PORT: apiPort,
    CYCLONE_DATA_DIR: resolve(repoRoot, process.env.CYCLONE_DATA_DIR || '.cyclone'),
  }),
  startChild('web', 'pnpm', ['--filter', '@cyclone/web', 'run', 'dev'], {
    WEB_PORT: webPort,
    API_URL: `http://127.0.0.1:${apiPort}`,
  }),
];
const stop = () => {
  for (const child of children) child.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const child of children) child.on('exit', () => children.every((c) => c.exitCode !== null) && process.exit(0));
