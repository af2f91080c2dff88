import type Docker from 'dockerode';

/** How long after an unflagged exit the engine's out-of-memory event may still arrive. */
const OOM_EVENT_GRACE_S = 2;

/**
 * Whether the engine logged an out-of-memory kill for this container since it started.
 *
 * Docker 20.10 sets `State.OOMKilled` only when containerd's out-of-memory event comes
 * before the exit event; on a busy machine it sometimes comes just after, and the flag
 * stays false. The engine still logs the `oom` event, so an unflagged SIGKILL at a memory
 * limit asks for it, waiting at most a couple of seconds past now.
 */
export async function engineLoggedOomKill(docker: Docker, containerId: string, startedAt: string): Promise<boolean> {
  const since = Math.floor(Date.parse(startedAt) / 1000);
  const until = Math.ceil(Date.now() / 1000) + OOM_EVENT_GRACE_S;
  const events = await docker.getEvents({
    since,
    until,
    filters: { type: ['container'], container: [containerId], event: ['oom'] },
  });
  return new Promise<boolean>((resolve, reject) => {
    events.once('data', () => {
      resolve(true);
      // Nothing more to read: close the stream rather than wait for `until`.
      (events as NodeJS.ReadableStream & { destroy(): void }).destroy();
    });
    // Ended at `until` (or closed early) without one: no out-of-memory kill was logged.
    events.once('end', () => resolve(false));
    events.once('close', () => resolve(false));
    // After a resolve, a late error (the stream closed) changes nothing.
    events.on('error', reject);
  });
}
