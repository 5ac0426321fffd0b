import type { GatewayErrorCode } from '@voiceassist/contract';
import { CodedError, ERROR_AREAS, type CodeOf } from '../../shared/errors.js';

export type ProviderKind = 'llm' | 'stt' | 'tts';

/**
 * Coded errors of the workstation's provider client. The codes are the gateway's
 * (`@voiceassist/contract` GatewayErrorCode) plus the client's own (`GATEWAY_*`, `ABORTED`); their
 * messages live in the desktop's one registry (shared/error-codes.ts, area `provider`): what
 * happened and what still works, for the clinician. Never PHI.
 */
export const PROVIDER_ERRORS = ERROR_AREAS.provider;

export type ProviderErrorCode = CodeOf<'provider'>;

/** Every code the gateway can send has its message here (typecheck fails otherwise). */
type Unregistered = Exclude<GatewayErrorCode, ProviderErrorCode>;
export const GATEWAY_CODES_REGISTERED: [Unregistered] extends [never] ? true : Unregistered = true;

const WHAT: Record<ProviderKind, string> = {
  llm: 'AI answers',
  stt: 'speech recognition',
  tts: 'spoken answers',
};

export const isProviderErrorCode = (code: string): code is ProviderErrorCode =>
  Object.hasOwn(PROVIDER_ERRORS, code);

export class ProviderError extends CodedError<ProviderErrorCode> {
  readonly kind: ProviderKind;
  /** HTTP status from the gateway, when there was one. */
  readonly status: number | undefined;

  constructor(
    code: ProviderErrorCode,
    kind: ProviderKind,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(code, PROVIDER_ERRORS[code].replace('{what}', WHAT[kind]));
    this.kind = kind;
    this.status = options.status;
    if (options.cause !== undefined) this.cause = options.cause;
  }
}

/** A gateway error body / SSE event / WebSocket message code → a ProviderError. */
export function fromGatewayCode(code: unknown, kind: ProviderKind, status?: number): ProviderError {
  const c = typeof code === 'string' && isProviderErrorCode(code) ? code : undefined;
  if (c) return new ProviderError(c, kind, status === undefined ? {} : { status });
  if (status === 401) return new ProviderError('AUTH_INVALID', kind, { status });
  if (status === 429) return new ProviderError('RATE_LIMITED', kind, { status });
  if (status === 422) return new ProviderError('PHI_BLOCKED', kind, { status });
  return new ProviderError(
    status !== undefined && status >= 500 ? 'PROVIDER_ERROR' : 'BAD_REQUEST',
    kind,
    status === undefined ? {} : { status },
  );
}

/** Any failure from fetch/WebSocket/egress → a ProviderError (aborts stay ABORTED). */
export function toProviderError(
  err: unknown,
  kind: ProviderKind,
  signal?: AbortSignal,
): ProviderError {
  if (err instanceof ProviderError) return err;
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof ProviderError) return reason;
    return new ProviderError('ABORTED', kind, { cause: err });
  }
  if (err instanceof Error && err.name === 'EgressError')
    return new ProviderError('EGRESS_REFUSED', kind, { cause: err });
  return new ProviderError('GATEWAY_UNREACHABLE', kind, { cause: err });
}
