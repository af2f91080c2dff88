// The test resolver image (scripts/testenv/resolver-image: the original's resolver
// protocol), built on a test container engine from its base image.
import { join } from 'node:path';
import type Docker from 'dockerode';

const CONTEXT = join(import.meta.dirname, '../../../../scripts/testenv/resolver-image');

/** Builds it once per engine (a later build reuses the engine's layer cache) and returns its tag. */
export async function buildResolverImage(docker: Docker, base: string): Promise<string> {
  const tag = 'cyclone-test/greeting-resolver:1';
  const stream = await docker.buildImage(
    { context: CONTEXT, src: ['Dockerfile', 'resolver.sh'] },
    { t: tag, buildargs: { BASE: base }, networkmode: 'none' },
  );
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null, events: { error?: string }[]) => {
        const failed = error?.message ?? events.find((e) => e.error)?.error;
        if (failed) reject(new Error(`building the resolver image: ${failed}`));
        else resolve();
      },
      () => undefined,
    );
  });
  return tag;
}
