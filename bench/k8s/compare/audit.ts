import { openSync, readSync, statSync } from 'node:fs';

/** One write recorded by kube-apiserver's audit log (control-plane.mjs, auditLog). */
export interface AuditWrite {
  at: number;
  client: string;
  verb: string;
  resource: string;
}

/**
 * Reads the audit log from a byte offset on: the writes since then and the new offset.
 * A phase of the comparison notes the offset when it starts and reads only its own writes.
 */
export function readAuditWrites(path: string, from: number, classify: (userAgent: string) => string) {
  const size = statSync(path).size;
  const buffer = Buffer.alloc(size - from);
  const fd = openSync(path, 'r');
  readSync(fd, buffer, 0, buffer.length, from);
  const text = buffer.toString('utf8');
  // A line still being written stays for the next read.
  const end = text.lastIndexOf('\n') + 1;
  const writes: AuditWrite[] = [];
  for (const line of text.slice(0, end).split('\n')) {
    if (!line) continue;
    const event = JSON.parse(line) as {
      stage: string;
      verb: string;
      userAgent?: string;
      requestReceivedTimestamp: string;
      objectRef?: { resource?: string; subresource?: string; apiGroup?: string };
    };
    if (event.stage !== 'ResponseComplete') continue;
    const ref = event.objectRef;
    writes.push({
      at: Date.parse(event.requestReceivedTimestamp),
      client: classify(event.userAgent ?? ''),
      verb: event.verb,
      // With its API group, so Cyclone's Workflows (definitions) are not Argo's (runs).
      resource: `${ref?.resource ?? '?'}${ref?.apiGroup ? `.${ref.apiGroup}` : ''}${ref?.subresource ? `/${ref.subresource}` : ''}`,
    });
  }
  return { writes, offset: from + Buffer.byteLength(text.slice(0, end)) };
}

/** The size of the log now: where the next phase starts reading. */
export const auditOffset = (path: string) => statSync(path).size;

/**
 * The objects of runs: pods, claims, Secrets, Cyclone's WorkflowRuns, Argo's Workflows
 * and task results (not the leases, events and per-namespace objects a controller also writes).
 */
export const isRunObject = (w: AuditWrite) =>
  /^(pods|workflowruns\.cyclone\.dev|workflows\.argoproj\.io|workflowtaskresults\.argoproj\.io|persistentvolumeclaims|secrets)(\/|$)/.test(
    w.resource,
  );

/**
 * Waits until `client` has written no run object for `quietMs` (a controller's last writes,
 * such as labelling finished pods, come after the runs end); returns every write since `from`.
 */
export async function writesUntilQuiet(
  path: string,
  from: number,
  classify: (userAgent: string) => string,
  client: string,
  quietMs = 3_000,
): Promise<AuditWrite[]> {
  const all: AuditWrite[] = [];
  let offset = from;
  let lastSeen = Date.now();
  for (;;) {
    const read = readAuditWrites(path, offset, classify);
    offset = read.offset;
    all.push(...read.writes);
    if (read.writes.some((w) => w.client === client && isRunObject(w))) lastSeen = Date.now();
    if (Date.now() - lastSeen >= quietMs) return all;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Who made a request, from its user agent: the names the comparison table prints. */
export function clientOf(userAgent: string): string {
  if (userAgent.startsWith('cyclone-bench')) return 'bench (submit)';
  if (userAgent.includes('argo-controller')) return 'controller';
  for (const name of ['kube-scheduler', 'kube-controller-manager', 'kwok']) if (userAgent.startsWith(name)) return name;
  if (userAgent.startsWith('kube-apiserver')) return 'kube-apiserver';
  // Cyclone's API process (client-node's fetch): the only other client.
  return 'controller';
}
