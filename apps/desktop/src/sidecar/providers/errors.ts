import { CodedError } from '../../shared/errors.js';

export type ProviderKind = 'llm' | 'stt' | 'tts';

/**
 * Coded errors of the workstation's provider client. The codes are the gateway's
 * (`@voiceassist/contract` GatewayErrorCode) plus the client's own (`GATEWAY_*`, `ABORTED`);
 * messages are for the clinician: what happened and what still works. Never PHI.
 */
export const PROVIDER_ERRORS = {
  GATEWAY_NOT_CONFIGURED:
    'No sync server is configured on this workstation (VOICEASSIST_SERVER_URL and a device key), so {what} is off. Typed questions still get local answers.',
  GATEWAY_UNREACHABLE:
    'The sync server cannot be reached, so {what} is not available right now. Check the network; local answers still work.',
  GATEWAY_TIMEOUT: 'The sync server did not answer in time for {what}. Try again in a moment.',
  AUTH_REQUIRED:
    'This workstation has no device key for the sync server; ask the clinic admin for one.',
  AUTH_INVALID:
    "The sync server refused this workstation's device key (unknown or revoked); ask the clinic admin for a new one.",
  BAD_REQUEST: 'The sync server rejected the {what} request as invalid.',
  PHI_BLOCKED:
    'The server refused to send the text for {what} because it still carried patient identifiers; nothing reached the provider.',
  QUOTA_EXCEEDED: 'The usage quota for {what} is used up for this period; ask the clinic admin.',
  RATE_LIMITED: 'Too many requests for {what} right now; try again in a moment.',
  DEVICE_THROTTLED:
    'The sync server is refusing {what} from this workstation for a minute because too many of its requests failed; try again shortly.',
  AUDIO_BACKLOG:
    'Speech recognition received audio faster than it could be sent on; the recording was stopped. Try again.',
  PAYLOAD_TOO_LARGE:
    'The {what} request was too large for the sync server; shorten it and try again.',
  HEADERS_TOO_LARGE: 'The sync server refused the {what} request: its headers were too large.',
  UNSUPPORTED_MEDIA_TYPE:
    'The sync server refused the {what} request as the wrong kind of content.',
  METHOD_NOT_ALLOWED: 'The sync server does not offer {what} that way; it may need an update.',
  NOT_FOUND: 'The sync server does not offer {what} at this address; it may need an update.',
  REQUEST_TIMEOUT:
    'The {what} request reached the sync server too slowly; check the network and try again.',
  SERVER_CRASHED: 'The sync server stopped while answering {what}; try again once it is back.',
  PROVIDER_NOT_CONFIGURED: 'No {what} provider is configured on the sync server.',
  PROVIDER_UNAVAILABLE:
    'The {what} provider is failing right now (outage); the server is refusing requests until it recovers.',
  PROVIDER_TIMEOUT: 'The {what} provider did not answer in time.',
  PROVIDER_ERROR: 'The {what} provider returned an error.',
  PROVIDER_STREAM_BROKEN: 'The {what} stream broke off before it was complete.',
  INTERNAL: 'The sync server failed while handling {what}.',
  TRANSCRIPT_CHANGED:
    'The {what} request prepared during speech recognition did not match the final transcript; it is sent again.',
  EGRESS_REFUSED: 'The workstation refused to send this to the {what} provider (egress policy).',
  ABORTED: 'The {what} request was cancelled.',
} as const;

export type ProviderErrorCode = keyof typeof PROVIDER_ERRORS;

const WHAT: Record<ProviderKind, string> = {
  llm: 'AI answers',
  stt: 'speech recognition',
  tts: 'spoken answers',
};

export const isProviderErrorCode = (code: string): code is ProviderErrorCode =>
  Object.hasOwn(PROVIDER_ERRORS, code);

export class ProviderError extends CodedError {
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
