import type { OutputLimits } from '@cyclone/domain/core';
import type { KubeClients, V1Pod } from '@cyclone/k8s';
import type { PlainSql } from '../../../db/plain-sql.js';
import type { Db } from '../../../db/prisma.js';
import type { Logger } from '../../../logging/logger.js';
import { LogWriter } from '../log-writer.js';
import { podResolvers } from './pod-outcome.js';
import { HELPER_CONTAINER, MASK_KEY } from './pod-spec.js';

/** What is read of one resolver's log at most (the attempt's log limit cuts it further). */
const MAX_LOG_BYTES = 16 * 1024 * 1024;

/** The first line of a resolver's output in the stage log (also how a second copy is avoided). */
const headLine = (name: string, operation: string, image: string) =>
  `[cyclone] resolver "${name}": ${operation} with ${image}`;

/**
 * Adds what the resolver images of an ended pod printed to its attempt's log, after
 * the lines the helper shipped: resolver images are not Cyclone's, so their output is
 * only in their container logs, read through the Kubernetes API before the pod goes.
 * Masked with the attempt's values (its Secret), each resolver under a head line; a
 * container that never started has nothing to add. Once per attempt: an exit recorded
 * twice (watch and pass) adds nothing the second time.
 */
export async function appendResolverLogs(
  deps: {
    db: Db;
    sql: PlainSql;
    logger: Logger;
    clients: KubeClients;
    limits?: Pick<OutputLimits, 'maxLineBytes' | 'maxLogBytes'>;
  },
  pod: V1Pod,
  attempt: { runId: string; stage: string },
): Promise<void> {
  const resolvers = podResolvers(pod);
  const name = pod.metadata?.name as string;
  const namespace = pod.metadata?.namespace as string;
  if (resolvers.length === 0 || !name || !namespace) return;
  const helperEnv = pod.spec?.initContainers?.find((c) => c.name === HELPER_CONTAINER)?.env ?? [];
  const firstSeq = Number(helperEnv.find((e) => e.name === 'CYCLONE_FIRST_SEQ')?.value ?? '1');
  const [row] = await deps.db.$queryRaw<{ last: bigint | null; isWritten: boolean }[]>`
    SELECT max(seq) AS last,
      coalesce(bool_or(text LIKE '[cyclone] resolver "%' AND seq >= ${firstSeq}), false) AS "isWritten"
    FROM log_lines WHERE run_id = ${attempt.runId}::uuid AND stage = ${attempt.stage}`;
  if (row?.isWritten) return;

  const outputs: { head: string; text: string }[] = [];
  for (const resolver of resolvers) {
    const text = await deps.clients.core
      .readNamespacedPodLog({ name, namespace, container: resolver.container, limitBytes: MAX_LOG_BYTES })
      .catch(() => undefined); // never started (an earlier pull failed, the pushes were cancelled before)
    if (text !== undefined) outputs.push({ head: headLine(resolver.name, resolver.operation, resolver.image), text });
  }
  if (outputs.length === 0) return;
  const writer = new LogWriter(deps.sql, deps.logger, {
    runId: attempt.runId,
    stage: attempt.stage,
    firstSeq: Math.max(firstSeq, Number(row?.last ?? 0n) + 1),
    secrets: await attemptMasks(deps.clients, namespace, name),
    ...(deps.limits ? { limits: deps.limits } : {}),
  });
  for (const output of outputs) {
    writer.line('STDOUT', output.head);
    // As the stage's own output: cut into lines within the limits, masked.
    const cutter = writer.cutter();
    for (const piece of [...cutter.push(Buffer.from(output.text)), ...cutter.end()]) writer.piece('STDOUT', piece);
  }
  await writer.close();
}

/** The values the attempt's log masks, from its Secret (listed: the controller reads Secrets only so). */
async function attemptMasks(clients: KubeClients, namespace: string, secretName: string): Promise<string[]> {
  const list = await clients.core.listNamespacedSecret({ namespace, fieldSelector: `metadata.name=${secretName}` });
  const encoded = list.items[0]?.data?.[MASK_KEY];
  if (!encoded) return [];
  const parsed = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as unknown;
  return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
}
