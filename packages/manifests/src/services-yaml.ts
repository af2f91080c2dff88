import type { StageService } from '@cyclone/domain';
import type { FieldReader, Obj } from './fields.js';

/**
 * A Stage's services live beside its containers, at `spec.pod.spec.services`: each
 * item is shaped like a container (name, image, command, args, env) plus its
 * `readiness` (`command` or `tcpPort`, and `timeout`).
 */
export const SERVICES_KEY = 'services';

/** `spec.pod.spec.services` as the schema takes it; undefined when there is none. */
export function decodeServices(r: FieldReader, podSpec: Obj, path: string): unknown[] | undefined {
  const items = r.objects(podSpec, SERVICES_KEY, path);
  if (items.length === 0) return undefined;
  return items.map(({ item, path: itemPath }) => {
    const readiness = r.object(item.readiness, `${itemPath}.readiness`);
    return {
      name: r.string(item, 'name', itemPath, true),
      image: r.string(item, 'image', itemPath, true),
      command: r.strings(item, 'command', itemPath),
      args: r.strings(item, 'args', itemPath),
      env: r.nameValues(item, 'env', itemPath),
      readiness: readiness && {
        command: readiness.command === undefined ? undefined : r.strings(readiness, 'command', `${itemPath}.readiness`),
        tcpPort: r.integer(readiness, 'tcpPort', `${itemPath}.readiness`),
        timeout: r.string(readiness, 'timeout', `${itemPath}.readiness`),
      },
    };
  });
}

/** The inverse of decodeServices, in a fixed key order; empty lists are left out. */
export function encodeServices(services: readonly StageService[] | undefined): Record<string, unknown>[] | undefined {
  if (!services || services.length === 0) return undefined;
  return services.map((service) => {
    const readiness = service.readiness;
    return dropEmpty({
      name: service.name,
      image: service.image,
      command: service.command,
      args: service.args,
      env: service.env.map((e) => ({ name: e.name, value: e.value })),
      readiness:
        readiness && dropEmpty({ command: readiness.command, tcpPort: readiness.tcpPort, timeout: readiness.timeout }),
    });
  });
}

function dropEmpty(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)),
  );
}
