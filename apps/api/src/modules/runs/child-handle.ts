/** The handle of a child-workflow stage's attempt: `child:<run id>` of the run it started (controller/child-runs.ts). */
const CHILD = 'child:';

export const childHandle = (runId: string) => `${CHILD}${runId}`;
export const isChildHandle = (handle: string | null): handle is string => handle?.startsWith(CHILD) === true;
/** The child run of a handle, or null for any other handle. */
export const childRunIdOf = (handle: string | null): string | null =>
  isChildHandle(handle) ? handle.slice(CHILD.length) : null;
