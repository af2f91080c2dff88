import { GraphQLError } from 'graphql';
import { describe, expect, it, vi } from 'vitest';
import { AppError, badInput } from './app-error.js';
import { formatError } from './format-error.js';

const wrap = (original: Error) => new GraphQLError(original.message, { originalError: original });

describe('formatError', () => {
  it('keeps an AppError’s code, message and details', () => {
    const error = wrap(badInput('input.name', 'must be a DNS label'));
    expect(formatError(error.toJSON(), error, vi.fn())).toMatchObject({
      message: 'input.name: must be a DNS label',
      extensions: { code: 'BAD_USER_INPUT', field: 'input.name' },
    });
  });

  it('maps framework codes onto the contract', () => {
    const error = new GraphQLError('Syntax Error', { extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
    expect(formatError(error.toJSON(), error, vi.fn()).extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('hides unexpected errors and reports them', () => {
    const onInternal = vi.fn();
    const error = wrap(new TypeError('cannot read x of undefined'));
    const formatted = formatError(error.toJSON(), error, onInternal);
    expect(formatted.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(formatted.message).not.toContain('undefined');
    expect(onInternal).toHaveBeenCalledOnce();
  });

  it('says a busy database is worth a retry, and reports it apart from faults', () => {
    const onInternal = vi.fn();
    const onBusy = vi.fn();
    for (const code of ['P2024', 'P2028']) {
      const busy = Object.assign(new Error('Unable to start a transaction in the given time.'), { code });
      const error = wrap(busy);
      expect(formatError(error.toJSON(), error, onInternal, onBusy)).toMatchObject({
        message: 'the database is busy: nothing was changed, try again in a moment',
        extensions: { code: 'INTERNAL_SERVER_ERROR', retryable: true },
      });
    }
    const other = wrap(Object.assign(new Error('Foreign key constraint failed'), { code: 'P2003' }));
    expect(formatError(other.toJSON(), other, onInternal, onBusy).extensions).toEqual({
      code: 'INTERNAL_SERVER_ERROR',
    });
    expect(onBusy).toHaveBeenCalledTimes(2);
    expect(onInternal).toHaveBeenCalledOnce();
  });

  it('passes contract codes through unchanged', () => {
    const error = wrap(new AppError('CONFLICT', 'the workflow changed meanwhile'));
    expect(formatError(error.toJSON(), error, vi.fn()).extensions?.code).toBe('CONFLICT');
  });
});
