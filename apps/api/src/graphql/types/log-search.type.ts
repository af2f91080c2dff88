import { GraphQLScalarType, Kind } from 'graphql';
import { Field, Int, ObjectType } from 'type-graphql';
import { AppError } from '../../errors/app-error.js';
import { uncountedConnectionType } from '../relay.js';

/** An instant given as an RFC 3339 / ISO 8601 date-time string (searchLogs' `since`). */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An instant as an ISO 8601 date-time string, e.g. 2026-12-13T08:00:00Z.',
  serialize: (value) => (value instanceof Date ? value : new Date(String(value))).toISOString(),
  parseValue: (value) => parseDateTime(value),
  parseLiteral: (ast) => {
    return parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined);
  },
});

function parseDateTime(value: unknown): Date {
  const date = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    // An AppError keeps its code through graphql-js' wrapping (errors/format-error.ts).
    throw new AppError(
      'BAD_USER_INPUT',
      `DateTime must be an ISO 8601 date-time such as 2026-12-13T08:00:00Z; got ${JSON.stringify(value) ?? 'no string'}`,
    );
  }
  return date;
}

@ObjectType('LogSearchHit', {
  simpleResolvers: true,
  description: 'A stored log line that matches a searchLogs query.',
})
export class LogSearchHitType {
  /** Resolved by `run` (the hit's run, loaded per request). */
  runId!: string;

  @Field(() => String)
  stage!: string;

  @Field(() => Int, {
    description: 'The line number in its stage log (from 1): `…/runs/<id>?stage=<stage>&line=<seq>`.',
  })
  seq!: number;

  @Field(() => String, { description: 'The whole line as stored (secrets masked).' })
  line!: string;

  @Field(() => Date)
  timestamp!: Date;
}

export const LogSearchHitConnection = uncountedConnectionType(
  LogSearchHitType,
  'LogSearchHit',
  'A page of search hits, newest first. It has no total count: counting every match of a common word over millions of lines would cost more than the page.',
);
