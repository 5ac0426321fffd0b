import { ERRORS, isErrorCode, type ErrorCode, type ErrorInfo } from '../shared/errors.js';

/**
 * Every error and notice a clinician can see, in words: one sentence saying what happened and
 * what to do. The words are the registry's (shared/error-codes.ts), so one cause reads the same in
 * the engine, the CLI and on screen; this module only decides how a code is shown (a quiet notice
 * or an error), which codes are one cause, and keeps the code and the engine's own wording behind
 * "Details".
 */
export type Tone = 'error' | 'notice';

export interface Words {
  readonly text: string;
  readonly tone: Tone;
  readonly code: string;
  /** The engine's own wording, shown under Details when it says more than `text`. */
  readonly detail?: string;
}

/** What a provider code's `{what}` names when the caller does not say (typed questions). */
const DEFAULT_WHAT = 'AI answers';

/** Not failures: a fallback that worked, something already there, a setup still to come. */
const NOTICES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'VOICE_SERVER_NOT_CONFIGURED',
  'VOICE_STT_NOT_CONFIGURED',
  'GATEWAY_NOT_CONFIGURED',
  'VOICE_NO_TURN',
  'STT_EMPTY',
  'TURN_CANCELLED',
  'TTS_PLAYBACK',
  'LLM_UNCITED',
  'PROVIDER_NOT_CONFIGURED',
  'PROVIDER_UNAVAILABLE',
  'PROVIDER_TIMEOUT',
  'PROVIDER_ERROR',
  'PROVIDER_STREAM_BROKEN',
  'TRANSCRIPT_CHANGED',
  'ABORTED',
  'PHI_BLOCKED',
  'EGRESS_BLOCKED',
  'EGRESS_REFUSED',
  'EGRESS_NO_BAA',
  'EGRESS_UNPREPARED_PHI',
  'EGRESS_DESTINATION_DENIED',
  'EGRESS_UNKNOWN_PROVIDER',
  'KB_BUSY',
  'KB_CANCELLED',
  'KB_EMBEDDER_MISMATCH',
  'INGEST_DUPLICATE',
  'SETTINGS_NOT_PERSISTED',
]);

/** One sentence the engine wrote for a person, usable when a code is not in the registry. */
function readable(message: string): boolean {
  return (
    message.length > 0 && message.length <= 220 && !/[{}<>]|\b[A-Z]{3,}_[A-Z_]+\b/.test(message)
  );
}

/** The registry's words for `code`, `{what}` filled in ("AI answers", "speech recognition"…). */
export function registryText(code: ErrorCode, what = DEFAULT_WHAT): string {
  const text = ERRORS[code].replaceAll('{what}', what);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function wordsFor(error: ErrorInfo, what?: string): Words {
  if (isErrorCode(error.code)) {
    const text = registryText(error.code, what);
    const own =
      error.message !== '' && error.message !== text && error.message !== ERRORS[error.code];
    return {
      tone: NOTICES.has(error.code) ? 'notice' : 'error',
      text,
      code: error.code,
      ...(own ? { detail: error.message } : {}),
    };
  }
  const ok = readable(error.message);
  return {
    tone: 'error',
    text: ok
      ? error.message
      : 'Something went wrong. Try again; if it keeps happening, see Diagnostics.',
    code: error.code,
    ...(!ok && error.message ? { detail: error.message } : {}),
  };
}

/** True when the code names a notice (a fallback or information), not a failure. */
export const isNotice = (code: string): boolean => isErrorCode(code) && NOTICES.has(code);

/**
 * Codes that name the same cause: shown once. A turn's "speech recognition is not set up" is the
 * same cause as the status line saying so.
 */
const SAME_CAUSE: Readonly<Partial<Record<ErrorCode, string>>> = {
  VOICE_STT_NOT_CONFIGURED: 'voice-setup',
  VOICE_SERVER_NOT_CONFIGURED: 'voice-setup',
  GATEWAY_NOT_CONFIGURED: 'voice-setup',
  PROVIDER_NOT_CONFIGURED: 'ai-setup',
  EGRESS_BLOCKED: 'privacy',
  EGRESS_REFUSED: 'privacy',
  EGRESS_UNPREPARED_PHI: 'privacy',
  PHI_BLOCKED: 'privacy',
  EGRESS_DESTINATION_DENIED: 'allow-list',
  EGRESS_UNKNOWN_PROVIDER: 'allow-list',
};

export const causeOf = (code: string): string =>
  (isErrorCode(code) ? SAME_CAUSE[code] : undefined) ?? code;

/** One message per cause, in first-seen order. */
export function onePerCause<T extends { readonly code: string }>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const cause = causeOf(i.code);
    if (seen.has(cause)) return false;
    seen.add(cause);
    return true;
  });
}
