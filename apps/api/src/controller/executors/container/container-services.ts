import { PassThrough } from 'node:stream';
import type { StageService } from '@cyclone/domain';
import type Docker from 'dockerode';
import type { StageLaunch } from '../executor.js';
import type { LogWriter } from '../log-writer.js';
import type { ContainerSettings } from './container-spec.js';
import {
  describeReadiness,
  isListening,
  readinessExec,
  readinessTimeoutMs,
  SERVICE_OF_LABEL,
  serviceContainerSpec,
  serviceImageOf,
} from './service-spec.js';

const CHECK_INTERVAL_MS = 500;
/** One readiness check may take this long; a hung one counts as not ready. */
const CHECK_LIMIT_MS = 10_000;

export interface ServiceDeps {
  docker: Docker;
  settings: ContainerSettings;
  /** Pulls the image per its policy (the stage's rule). */
  ensureImage: (image: string) => Promise<void>;
}

/**
 * Starts the attempt's services one after the other, each ready before the next
 * starts (as native sidecars on Kubernetes); throws, with a message for the stage,
 * when one cannot start, exits, or is not ready within its timeout. Returns the first
 * service's hosts file where the engine does not share it (Podman).
 */
export async function startServices(
  deps: ServiceDeps,
  launch: StageLaunch,
  attemptContainer: string,
  writer: LogWriter,
  signal: AbortSignal,
): Promise<{ hostsFile?: string }> {
  const services = launch.services ?? [];
  let hostsFile: string | undefined;
  for (const [index, service] of services.entries()) {
    signal.throwIfAborted();
    await deps.ensureImage(serviceImageOf(service)).catch((error: Error) => {
      throw new Error(`service "${service.name}": image "${service.image}": ${error.message}`);
    });
    signal.throwIfAborted();
    writer.line('STDOUT', `[cyclone] starting service ${service.name} (${service.image})`);
    const container = await deps.docker
      .createContainer(serviceContainerSpec(launch, attemptContainer, index, deps.settings, hostsFile))
      .catch((error: Error) => {
        throw new Error(`service "${service.name}" could not be created: ${error.message}`);
      });
    await container.start().catch((error: Error) => {
      throw new Error(`service "${service.name}" could not start: ${error.message}`);
    });
    if (index === 0 && deps.settings.hasOwnHostsFile) hostsFile = (await inspect(container)).HostsPath || undefined;
    await waitReady(container, service, signal);
    writer.line('STDOUT', `[cyclone] service ${service.name} is ready (${describeReadiness(service)})`);
  }
  return { hostsFile };
}

/** Removes every service container of an attempt (its end, a kill, a sweep); how many went. */
export async function removeServices(docker: Docker, attemptContainer: string): Promise<number> {
  const found = await docker.listContainers({
    all: true,
    filters: { label: [`${SERVICE_OF_LABEL}=${attemptContainer}`] },
  });
  // Podman keeps the namespace's owner while containers that joined it exist: what
  // could not go in one round goes in the next, once those are gone.
  let remaining = found.map((c) => c.Id);
  let removed = 0;
  for (let round = 0; round < 3 && remaining.length > 0; round += 1) {
    const kept: string[] = [];
    for (const id of remaining) {
      await docker
        .getContainer(id)
        .remove({ force: true })
        .then(() => (removed += 1))
        .catch((error: { statusCode?: number }) => {
          if (error.statusCode !== 404) kept.push(id);
        });
    }
    remaining = kept;
  }
  return removed;
}

async function waitReady(container: Docker.Container, service: StageService, signal: AbortSignal): Promise<void> {
  const command = readinessExec(service);
  const deadline = Date.now() + readinessTimeoutMs(service);
  let last = '';
  for (;;) {
    signal.throwIfAborted();
    const { State: state } = await inspect(container);
    if (!state.Running) {
      const tail = await logTail(container);
      throw new Error(
        `service "${service.name}" exited with code ${state.ExitCode} before it was ready${tail ? `: ${tail}` : ''}`,
      );
    }
    if (!command) return;
    const check = await execOnce(container, command).catch((error: Error) => ({
      exitCode: null,
      output: error.message,
    }));
    const isReady =
      service.readiness?.tcpPort !== undefined
        ? check.exitCode === 0 && isListening(check.output, service.readiness.tcpPort)
        : check.exitCode === 0;
    if (isReady) return;
    last = check.exitCode === null ? check.output : `exit code ${check.exitCode}${firstLine(check.output)}`;
    if (Date.now() >= deadline) {
      const timeout = service.readiness?.timeout ?? '2m';
      throw new Error(
        `service "${service.name}" was not ready within ${timeout} (readiness: ${describeReadiness(service)}; last check: ${last.trim() || 'no answer'})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, CHECK_INTERVAL_MS));
  }
}

/**
 * The container as the engine sees it. Podman may fail an inspect while the
 * container's process is exiting (`read /proc/<pid>/cgroup: no such process`): the
 * answer a moment later says how it ended.
 */
async function inspect(container: Docker.Container): Promise<Docker.ContainerInspectInfo> {
  for (let tries = 1; ; tries += 1) {
    try {
      return await container.inspect();
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 500 || tries >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * tries));
    }
  }
}

const firstLine = (text: string) => {
  const line = text.trim().split('\n')[0];
  return line ? `: ${line.slice(0, 200)}` : '';
};

/** Runs a command inside the container; its output (stdout and stderr) and exit code. */
async function execOnce(
  container: Docker.Container,
  command: string[],
): Promise<{ exitCode: number | null; output: string }> {
  const exec = await container.exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out = new PassThrough();
  let output = '';
  out.on('data', (chunk: Buffer) => {
    if (output.length < 1_000_000) output += chunk.toString('utf8');
  });
  container.modem.demuxStream(stream, out, out);
  await new Promise<void>((resolve) => {
    const limit = setTimeout(() => {
      stream.destroy();
      resolve();
    }, CHECK_LIMIT_MS);
    stream.on('end', () => {
      clearTimeout(limit);
      resolve();
    });
    stream.on('error', () => {
      clearTimeout(limit);
      resolve();
    });
  });
  const { ExitCode, Running } = await exec.inspect();
  return { exitCode: Running ? null : ExitCode, output };
}

async function logTail(container: Docker.Container): Promise<string> {
  const raw = (await container.logs({ stdout: true, stderr: true, tail: 5, follow: false }).catch(() => '')) as
    | Buffer
    | string;
  // A non-TTY log is framed: 8-byte headers before each piece.
  const buffer = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
  const pieces: string[] = [];
  for (let offset = 0; offset + 8 <= buffer.length; ) {
    const size = buffer.readUInt32BE(offset + 4);
    pieces.push(buffer.subarray(offset + 8, offset + 8 + size).toString('utf8'));
    offset += 8 + size;
  }
  return pieces.join('').trim().split('\n').slice(-3).join(' / ').slice(0, 500);
}
