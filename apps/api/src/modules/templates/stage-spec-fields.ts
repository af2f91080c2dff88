type NameValue = { name: string; value: string };

/** The container fields a stage and a stage template are both written with. */
export interface StageSpecFields {
  name: string;
  image?: string | null;
  command?: string[] | null;
  args?: string[] | null;
  env?: NameValue[] | null;
  workingDir?: string | null;
  inputs?: object | null;
  outputs?: object | null;
}

interface StageSpecBase {
  image?: unknown;
  command?: unknown;
  args?: unknown;
  env?: unknown;
  workingDir?: unknown;
  outputs?: object;
}

/** The container fields given override the base's: omitted or null keeps, but null clears workingDir. */
export function overlayStageFields(base: StageSpecBase | undefined, input: StageSpecFields) {
  return {
    name: input.name,
    image: input.image ?? base?.image,
    command: input.command ?? base?.command,
    args: input.args ?? base?.args,
    env: input.env ?? base?.env,
    workingDir: input.workingDir === null ? undefined : (input.workingDir ?? base?.workingDir),
    outputs: input.outputs ? { ...base?.outputs, ...withoutNulls(input.outputs) } : base?.outputs,
  };
}

export function withoutNulls<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}
