import { Type, type Static, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { CALLS, EVENTS, isCallName, isEventName, type CallName } from './contract.js';
import { errorInfo, type ErrorInfo } from './errors.js';
import { ErrorInfoSchema, type Result } from './result.js';

/**
 * The wire format both transports carry, one JSON text per message:
 *   renderer → sidecar  { t: 'req', seq, method, input }
 *   sidecar → renderer  { t: 'res', seq, result }   result = { ok, value } | { ok: false, error }
 *                       { t: 'evt', name, payload }
 * `seq` pairs a response with its request (Signal's SQL channel); a response to a message too broken
 * to carry a seq has `seq: null`.
 */
export const PROTOCOL_VERSION = 1;

/** Larger requests are answered with RPC_TOO_LARGE. Audio will travel as its own binary frames. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

const Seq = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

export const RequestSchema = Type.Object(
  {
    t: Type.Literal('req'),
    seq: Seq,
    method: Type.String({ minLength: 1, maxLength: 128 }),
    input: Type.Unknown(),
  },
  { additionalProperties: false },
);
export type Request = Static<typeof RequestSchema>;

export const ResponseSchema = Type.Object(
  {
    t: Type.Literal('res'),
    seq: Type.Union([Seq, Type.Null()]),
    result: Type.Union([
      Type.Object(
        { ok: Type.Literal(true), value: Type.Unknown() },
        { additionalProperties: false },
      ),
      Type.Object(
        { ok: Type.Literal(false), error: ErrorInfoSchema },
        { additionalProperties: false },
      ),
    ]),
  },
  { additionalProperties: false },
);
export type Response = Static<typeof ResponseSchema>;

export const EventSchema = Type.Object(
  { t: Type.Literal('evt'), name: Type.String({ maxLength: 128 }), payload: Type.Unknown() },
  { additionalProperties: false },
);
export type EventMessage = Static<typeof EventSchema>;

export type DecodedRequest =
  | { readonly ok: true; readonly seq: number; readonly method: CallName; readonly input: unknown }
  | { readonly ok: false; readonly seq: number | null; readonly error: ErrorInfo };

/** UTF-8 size without encoding when the answer is obvious (chars ≤ bytes ≤ 3 × chars). */
export function exceedsLimit(text: string, limit = MAX_MESSAGE_BYTES): boolean {
  if (text.length > limit) return true;
  if (text.length * 3 <= limit) return false;
  return new TextEncoder().encode(text).byteLength > limit;
}

/** First schema violation as "path: message", for error messages a developer can act on. */
export function describeMismatch(schema: TSchema, value: unknown): string {
  const [first] = Value.Errors(schema, value);
  if (!first) return '';
  return `${first.instancePath === '' ? '(root)' : first.instancePath}: ${first.message}`;
}

function salvageSeq(value: unknown): number | null {
  if (typeof value !== 'object' || value === null || !('seq' in value)) return null;
  const { seq } = value;
  return Value.Check(Seq, seq) ? seq : null;
}

/** Validates one incoming request completely: size, JSON, envelope, method, input. Never throws. */
export function decodeRequest(text: unknown, limit = MAX_MESSAGE_BYTES): DecodedRequest {
  if (typeof text !== 'string')
    return { ok: false, seq: null, error: errorInfo('RPC_MALFORMED', 'Expected a text frame.') };
  if (exceedsLimit(text, limit))
    return {
      ok: false,
      seq: null,
      error: errorInfo('RPC_TOO_LARGE', `Limit is ${limit} bytes.`),
    };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, seq: null, error: errorInfo('RPC_MALFORMED', 'Not JSON.') };
  }
  if (!Value.Check(RequestSchema, parsed))
    return {
      ok: false,
      seq: salvageSeq(parsed),
      error: errorInfo('RPC_MALFORMED', describeMismatch(RequestSchema, parsed)),
    };
  const { seq, method, input } = parsed;
  if (!isCallName(method))
    return { ok: false, seq, error: errorInfo('RPC_UNKNOWN_METHOD', `Method: ${method}.`) };
  const schema = CALLS[method].input;
  if (!Value.Check(schema, input))
    return {
      ok: false,
      seq,
      error: errorInfo('RPC_INVALID_INPUT', `${method} ${describeMismatch(schema, input)}`),
    };
  return { ok: true, seq, method, input };
}

export type DecodedServerMessage =
  | { readonly kind: 'response'; readonly seq: number | null; readonly result: Result<unknown> }
  | { readonly kind: 'event'; readonly name: string; readonly payload: unknown }
  | { readonly kind: 'invalid'; readonly reason: string };

/** The client's side of validation: envelope only; payloads are checked against their schema. */
export function decodeServerMessage(text: unknown): DecodedServerMessage {
  if (typeof text !== 'string') return { kind: 'invalid', reason: 'not a text frame' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reason: 'not JSON' };
  }
  if (Value.Check(ResponseSchema, parsed))
    return { kind: 'response', seq: parsed.seq, result: parsed.result };
  if (Value.Check(EventSchema, parsed)) {
    if (!isEventName(parsed.name))
      return { kind: 'invalid', reason: `unknown event ${parsed.name}` };
    if (!Value.Check(EVENTS[parsed.name], parsed.payload))
      return {
        kind: 'invalid',
        reason: `event ${parsed.name} ${describeMismatch(EVENTS[parsed.name], parsed.payload)}`,
      };
    return { kind: 'event', name: parsed.name, payload: parsed.payload };
  }
  return { kind: 'invalid', reason: 'unknown message shape' };
}

export const encodeRequest = (seq: number, method: string, input: unknown): string =>
  JSON.stringify({ t: 'req', seq, method, input } satisfies Request);

export const encodeResponse = (seq: number | null, result: Result<unknown>): string =>
  JSON.stringify({ t: 'res', seq, result });

export const encodeEvent = (name: string, payload: unknown): string =>
  JSON.stringify({ t: 'evt', name, payload } satisfies EventMessage);
