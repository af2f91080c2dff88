import type Docker from 'dockerode';
import { outboundPolicy } from '../../../modules/outbound/outbound-policy.js';
import { parseImageReference } from '../../../modules/registries/image-reference.js';
import type { StageLaunch } from '../executor.js';
import type { LogWriter } from '../log-writer.js';
import { pullPolicyOf } from './container-spec.js';

/**
 * Pulls an image (the stage's, a service's or a resolver's) per its policy (pullPolicyOf);
 * only the stage's image has pull credentials.
 */
export async function ensureImage(
  docker: Docker,
  image: string,
  launch: Pick<StageLaunch, 'pullPolicy' | 'pullAuth'>,
  writer: LogWriter,
  signal: AbortSignal,
): Promise<void> {
  const policy = pullPolicyOf(image, launch.pullPolicy);
  const isPresent = await docker
    .getImage(image)
    .inspect()
    .then(
      () => true,
      (error: { statusCode?: number }) => {
        if (error.statusCode === 404) return false;
        throw error;
      },
    );
  if (policy === 'Never') {
    if (!isPresent) throw new Error('not present on this engine, and its pull policy is Never');
    return;
  }
  if (policy === 'IfNotPresent' && isPresent) return;
  // The engine connects to the registry the tenant named: the outbound policy decides first.
  const registry = parseImageReference(image)?.host;
  if (registry) await outboundPolicy().resolveChecked(registry.replace(/:\d+$/, ''));
  writer.line('STDOUT', `[cyclone] pulling image ${image}`);
  const auth = launch.pullAuth;
  const stream = await docker.pull(image, {
    ...(auth ? { authconfig: { username: auth.username, password: auth.password, serveraddress: auth.server } } : {}),
    abortSignal: signal,
  });
  // Some engines (Podman) end a failed pull's stream without an error event: the
  // last message says why, and the image must be there afterwards.
  let last = '';
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null) => (error ? reject(error) : resolve()),
      (event: { status?: string; error?: string; errorDetail?: { message?: string } }) => {
        last = event.errorDetail?.message ?? event.error ?? event.status ?? last;
      },
    );
  });
  const isPulled = await docker
    .getImage(image)
    .inspect()
    .then(
      () => true,
      () => false,
    );
  if (!isPulled) throw new Error(`the engine did not pull it${last ? `: ${last.trim()}` : ''}`);
}
