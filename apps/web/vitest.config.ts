import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Unit tests of the web app's pure modules (i18n, helpers). Components are covered by
// the Playwright specs in tests/e2e, in real Chromium.
export default defineConfig({
  resolve: { alias: { '@': path.join(path.dirname(fileURLToPath(import.meta.url)), 'src') } },
  test: {
    name: 'web',
    root: path.dirname(fileURLToPath(import.meta.url)),
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
