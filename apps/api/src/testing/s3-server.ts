import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { S3StoreSettings } from '../config/config.js';
import { freePort, startProcess, tempDir } from '../modules/integration-checks/testing/processes.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

export interface TestS3Server {
  /** Settings of a store on `bucket` (made when the server starts). */
  settings: (prefix?: string) => S3StoreSettings;
  /** The same as CYCLONE_* environment, for an API process. */
  env: (prefix?: string) => Record<string, string>;
  /** Where versitygw keeps the objects (bucket folders below). */
  root: string;
  stop: () => Promise<void>;
}

/**
 * versitygw, a real S3 gateway, on loopback with its posix backend in a temporary
 * folder (built from its Go module by scripts/testenv/build-go-tool.sh, cached).
 */
export async function startS3Server(bucket = 'artifacts'): Promise<TestS3Server> {
  const binary = execFileSync('bash', [join(REPO, 'scripts/testenv/build-go-tool.sh'), 'versitygw'], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .at(-1) as string;
  const root = tempDir('cyclone-s3-');
  mkdirSync(join(root.path, bucket));
  const port = await freePort();
  const credentials = { accessKeyId: 'cyclone-test', secretAccessKey: 'cyclone-test-secret' };
  const server = await startProcess(
    binary,
    [
      '--access',
      credentials.accessKeyId,
      '--secret',
      credentials.secretAccessKey,
      '--port',
      `127.0.0.1:${port}`,
      'posix',
      root.path,
    ],
    () =>
      new Promise<boolean>((ready) => {
        const socket = createConnection({ host: '127.0.0.1', port }, () => {
          socket.destroy();
          ready(true);
        });
        socket.once('error', () => ready(false));
      }),
  );
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    root: root.path,
    settings: (prefix = '') => ({
      bucket,
      prefix: prefix ? `${prefix}/` : '',
      endpoint,
      region: 'us-east-1',
      pathStyle: true,
      credentials,
    }),
    env: (prefix = '') => ({
      CYCLONE_OBJECT_STORE: `s3://${bucket}${prefix ? `/${prefix}` : ''}`,
      CYCLONE_S3_ENDPOINT: endpoint,
      CYCLONE_S3_ACCESS_KEY_ID: credentials.accessKeyId,
      CYCLONE_S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    }),
    stop: async () => {
      await server.stop();
      root.remove();
    },
  };
}
