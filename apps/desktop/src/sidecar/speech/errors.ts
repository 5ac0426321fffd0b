/**
 * Coded errors of on-device speech. Codes are stable (the turn and the UI branch on them); messages
 * say what happened and what to do, and never carry transcript text or audio.
 */
export const SPEECH_ERRORS = {
  SPEECH_BACKEND_MISSING: 'This speech engine is not installed on this workstation.',
  SPEECH_MODEL_MISSING:
    'The speech model files are missing: run `npm run models:fetch -- --speech` on a machine that reaches the model hub and copy resources/models here.',
  SPEECH_BACKEND_FAILED:
    'On-device speech stopped working for this turn; try again, and if it keeps failing restart the app.',
  SPEECH_TIMEOUT:
    'On-device speech took too long to finish; try a shorter question, or check whether the computer is busy.',
  SPEECH_SESSION_BUSY:
    'A recognition session is still open; close it before opening another (one speaker at a time).',
  SPEECH_ABORTED: 'The turn was cancelled.',
} as const;

export type SpeechErrorCode = keyof typeof SPEECH_ERRORS;

export class SpeechError extends Error {
  override readonly name = 'SpeechError';
  readonly code: SpeechErrorCode;

  constructor(code: SpeechErrorCode, detail?: string, options?: ErrorOptions) {
    super(detail === undefined ? SPEECH_ERRORS[code] : `${SPEECH_ERRORS[code]} ${detail}`, options);
    this.code = code;
  }
}
