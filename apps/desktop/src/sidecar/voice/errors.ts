import { CodedError, ERRORS } from '../../shared/errors.js';

/**
 * Coded errors of the engine's audio path (codes: shared/error-codes.ts). Messages say what to do
 * and never carry audio content or PHI.
 */
export type VoiceErrorCode =
  | 'WAV_INVALID'
  | 'WAV_UNSUPPORTED'
  | 'VAD_MODEL_MISSING'
  | 'VAD_MODEL_FAILED'
  | 'AEC_FAILED'
  | 'AUDIO_FRAME_SIZE';

export class VoiceError extends CodedError<VoiceErrorCode> {
  override readonly name = 'VoiceError';

  /** The registry's message, refined with `detail` when given. */
  constructor(code: VoiceErrorCode, detail?: string, options?: ErrorOptions) {
    super(code, detail === undefined ? ERRORS[code] : `${ERRORS[code]} ${detail}`, options);
  }
}
