import Docker from 'dockerode';

/**
 * When each stage container started, by run id: the engine's `start` events (with
 * nanosecond times) for containers labelled cyclone.dev/run, read as they happen.
 */
export function followContainerStarts(socketPath: string) {
  const docker = new Docker({ socketPath });
  const startedAt = new Map<string, number>();
  let stream: NodeJS.ReadableStream | undefined;
  let buffered = '';
  void docker
    .getEvents({ filters: { type: ['container'], event: ['start'], label: ['cyclone.dev/run'] } })
    .then((events) => {
      stream = events;
      events.setEncoding('utf8');
      events.on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          if (line.trim() === '') continue;
          const event = JSON.parse(line) as { timeNano: number; Actor: { Attributes: Record<string, string> } };
          const runId = event.Actor.Attributes['cyclone.dev/run'];
          if (runId && !startedAt.has(runId)) startedAt.set(runId, Math.round(event.timeNano / 1e6));
        }
      });
    });
  return {
    startedAt: () => startedAt,
    stop: () => (stream as unknown as { destroy?: () => void } | undefined)?.destroy?.(),
  };
}
