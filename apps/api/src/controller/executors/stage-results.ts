import { type OutputLimits, parseResultsHead, resultsCutNotice } from '@cyclone/domain/core';
import type { LogWriter } from './log-writer.js';
import { readWorkspaceFile } from './workspace-files.js';

/**
 * The `key:value` outputs a stage left in its $CYCLONE_RESULTS file, read only if the
 * file lies in `root` (the stage may have put a link there, see readWorkspaceFile)
 * and at most `maxResultsBytes` of it: of a longer file only the complete lines
 * within the limit count, and the stage's log says so. A file that is missing or
 * cannot be read gives no outputs.
 */
export async function readResults(
  root: string,
  file: string,
  limits: Pick<OutputLimits, 'maxResultsBytes'>,
  writer: LogWriter,
): Promise<{ key: string; value: string }[]> {
  let head: Buffer | undefined;
  try {
    head = await readWorkspaceFile(root, file, limits.maxResultsBytes + 1);
  } catch {
    return [];
  }
  if (!head) return [];
  const { outputs, isCut } = parseResultsHead(head, limits.maxResultsBytes, writer.secretValues);
  if (isCut) writer.line('STDERR', resultsCutNotice(limits.maxResultsBytes));
  return outputs;
}
