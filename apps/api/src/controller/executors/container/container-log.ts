import type { Readable } from 'node:stream';
import type Docker from 'dockerode';

/** A running container's log, from its start, as the engine stores it; ends when the container does. */
export async function followedLog(container: Docker.Container): Promise<Readable> {
  return (await container.logs({ follow: true, stdout: true, stderr: true })) as unknown as Readable;
}

/**
 * An exited container's whole log as a stream, so memory stays flat however much it
 * printed. Not a follow read: Podman 4.3 ends the follow stream of an exited container
 * early when its reader is slower than the engine (about 2,300 of 6,000 lines, measured
 * with the reader paused 2 ms per chunk, as a lagging database pauses it), while
 * this read always reaches the end.
 */
export function wholeLog(container: Docker.Container): Promise<Readable> {
  return new Promise((resolve, reject) => {
    container.modem.dial(
      {
        path: `/containers/${container.id}/logs?`,
        method: 'GET',
        isStream: true,
        statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
        options: { follow: false, stdout: true, stderr: true },
      },
      (error: Error | null, stream: Readable) => (error ? reject(error) : resolve(stream)),
    );
  });
}
