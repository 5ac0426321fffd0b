import { decodeAudioFrame, encodeAudioFrame } from '../../shared/audio-frame.js';
import type { TurnRecordDto } from '../../shared/voice-turn.js';
import { FRAME_SAMPLES } from '../voice/frames.js';
import type { VoiceTurnService } from './service.js';

export interface RecordedTurnOptions {
  readonly conversationId?: string;
  /** Samples per audio frame (default one 32 ms frame, as the capture worklet sends). */
  readonly chunkSamples?: number;
  /** Wait this long after the last chunk before the key-up (lets interim results arrive). */
  readonly holdAfterMs?: number;
  /** Called right after the key-up (benchmarks take their reference instant here). */
  readonly onKeyUp?: () => void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Runs one voice turn from a recording, exactly as the renderer drives it: key-down
 * (`voice.turnStart`), the audio as binary frames (encoded and decoded as on the wire), key-up at
 * the end of the recording (`voice.turnEnd`); resolves with the saved turn. Each frame is
 * processed (VAD, echo canceller) before the next is sent: faster than real time, never ahead
 * of the engine.
 */
export async function runRecordedTurn(
  service: VoiceTurnService,
  samples: Int16Array,
  options: RecordedTurnOptions = {},
): Promise<TurnRecordDto> {
  const ref = service['voice.turnStart'](
    options.conversationId ? { conversationId: options.conversationId } : {},
  );
  const turn = service.currentTurn;
  if (!turn) throw new Error('turnStart did not start a turn');
  const step = options.chunkSamples ?? FRAME_SAMPLES;
  let seq = 0;
  for (let i = 0; i < samples.length && !turn.cancelled; i += step) {
    const pcm = samples.subarray(i, Math.min(samples.length, i + step));
    const wire = decodeAudioFrame(encodeAudioFrame({ turnId: ref.turnId, seq: seq++, pcm }));
    if (!wire.ok) throw new Error(wire.error.message);
    service.audioFrame(wire.frame);
    await turn.pending;
  }
  if (options.holdAfterMs) await sleep(options.holdAfterMs);
  if (turn.state === 'listening') {
    service['voice.turnEnd'](ref);
    options.onKeyUp?.();
  }
  await turn.done;
  return turn.record();
}
