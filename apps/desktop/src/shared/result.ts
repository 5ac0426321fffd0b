import { Type, type Static, type TSchema } from 'typebox';
import type { ErrorInfo } from './errors.js';

/** Every call's result crosses the boundary as this envelope; nothing is ever thrown across it. */
export type Result<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ErrorInfo };

export const ErrorInfoSchema = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: 64 }), message: Type.String({ maxLength: 4096 }) },
  { additionalProperties: false },
);

export const ResultSchema = <T extends TSchema>(value: T) =>
  Type.Union([
    Type.Object({ ok: Type.Literal(true), value }, { additionalProperties: false }),
    Type.Object(
      { ok: Type.Literal(false), error: ErrorInfoSchema },
      { additionalProperties: false },
    ),
  ]);

export type ErrorInfoStatic = Static<typeof ErrorInfoSchema>;

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (error: ErrorInfo): Result<never> => ({ ok: false, error });
