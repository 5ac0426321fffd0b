/**
 * Coded errors of the engine's audio path. Codes are stable (tests and the UI branch on them);
 * messages say what to do and never carry audio content or PHI.
 */
export const VOICE_ERRORS = {
  WAV_INVALID: 'The file is not a WAV file this engine can read (RIFF/WAVE, PCM or float).',
  WAV_UNSUPPORTED: 'The WAV encoding is not supported; convert it to 16-bit PCM.',
  VAD_MODEL_MISSING:
    'The Silero VAD model is missing: run `node scripts/prepare-resources.mjs` (or reinstall) so resources/models/silero_vad_v5.onnx exists.',
  VAD_MODEL_FAILED: 'The Silero VAD model could not be loaded or run.',
  AEC_FAILED: 'The echo canceller could not be started.',
  AUDIO_FRAME_SIZE: 'An audio frame has the wrong number of samples.',
} as const;

export type VoiceErrorCode = keyof typeof VOICE_ERRORS;

export class VoiceError extends Error {
  override readonly name = 'VoiceError';
  readonly code: VoiceErrorCode;

  constructor(code: VoiceErrorCode, detail?: string, options?: ErrorOptions) {
    super(detail === undefined ? VOICE_ERRORS[code] : `${VOICE_ERRORS[code]} ${detail}`, options);
    this.code = code;
  }
}
