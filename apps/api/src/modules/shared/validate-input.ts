import type { z } from 'zod';
import { AppError } from '../../errors/app-error.js';

/**
 * Parses GraphQL input with a zod schema. The first problem becomes BAD_USER_INPUT
 * naming the field (`input.stages[2].name: …`); every problem is in `details.problems`.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, root = 'input'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({
    field: fieldPath(root, issue.path),
    message: issue.message,
  }));
  const first = problems[0] as { field: string; message: string };
  throw new AppError('BAD_USER_INPUT', `${first.field}: ${first.message}`, { field: first.field, problems });
}

function fieldPath(root: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : `${acc}.${String(part)}`),
    root,
  );
}
