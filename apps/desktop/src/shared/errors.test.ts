import { describe, expect, it } from 'vitest';
import { ErrorInfoSchema } from './result.js';
import { Value } from 'typebox/value';
import {
  CodedError,
  ERROR_AREAS,
  ERRORS,
  codeOf,
  errorArea,
  errorInfo,
  isErrorCode,
} from './errors.js';

describe('the error registry', () => {
  it('holds every code once, across all areas', () => {
    const all = Object.values(ERROR_AREAS).flatMap((codes) => Object.keys(codes));
    expect(new Set(all).size).toBe(all.length);
    expect(Object.keys(ERRORS).sort()).toEqual([...all].sort());
  });

  it('has codes and messages that fit the wire schema, each a sentence to act on', () => {
    for (const [code, message] of Object.entries(ERRORS)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$|^[A-Z]+$/);
      expect(Value.Check(ErrorInfoSchema, { code, message })).toBe(true);
      expect(message, code).toMatch(/[.!?]$/);
    }
  });

  it('answers the area of a code, and nothing for a foreign one', () => {
    expect(errorArea('STORE_WRONG_KEY')).toBe('store');
    expect(errorArea('MIC_DENIED')).toBe('mic');
    expect(errorArea('SQLITE_NOTADB')).toBeUndefined();
    expect(isErrorCode('KB_BUSY')).toBe(true);
    expect(isErrorCode('NOT_A_CODE')).toBe(false);
    expect(codeOf(Object.assign(new Error('x'), { code: 'INGEST_BINARY' }))).toBe('INGEST_BINARY');
    expect(codeOf(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBeUndefined();
  });

  it('gives a coded error the registry message unless it has its own', () => {
    expect(new CodedError('KB_BUSY').toInfo()).toEqual({
      code: 'KB_BUSY',
      message: ERRORS.KB_BUSY,
    });
    expect(new CodedError('KB_BUSY', 'Busy now.').message).toBe('Busy now.');
    expect(errorInfo('RPC_TIMEOUT', 'ping after 5 ms.').message).toBe(
      `${ERRORS.RPC_TIMEOUT} ping after 5 ms.`,
    );
    // @ts-expect-error an unregistered code does not typecheck
    expect(new CodedError('SOMETHING_NEW').code).toBe('SOMETHING_NEW');
  });
});
