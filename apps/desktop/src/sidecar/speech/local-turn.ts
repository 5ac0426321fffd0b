import type { EventPayload } from '../../shared/contract.js';
import { MAX_TTS_CHUNK_BYTES } from '../../shared/voice-turn.js';
import { confirmationEvent, type TranscriptConfirmations } from './confirmation.js';
import { SpeechError } from './errors.js';
import type {
  FinalTranscript,
  RecognitionOptions,
  RecognitionSession,
  SpeechRecogniser,
  SpeechSynthesiser,
} from './types.js';

/**
 * The pieces a voice turn needs to run on this workstation alone, shaped like the cloud relay's
 * so the turn runner swaps them in with a few lines: a recognition session that can be opened at
 * key-down before the recogniser has finished loading, the confirmation step, and on-device TTS
 * as `voice.audio.chunk` payloads. No send-ahead or speak-ahead here: those are gateway features.
 */

/**
 * A `RecognitionSession` opened at once (key-down must not wait for a model): audio is queued
 * until the recogniser is loaded, then streamed. Same life cycle as `SttSession`, minus the
 * gateway's `turnId`; `finalize()` resolves with the text and `final` keeps the whole result.
 */
export class LocalSttSession {
  private session: RecognitionSession | undefined;
  private queued: Uint8Array[] = [];
  private failed: Error | undefined;
  private closed = false;
  private finalizing: Promise<FinalTranscript> | undefined;
  private markSent!: () => void;
  private readonly sent = new Promise<void>((r) => (this.markSent = r));
  /** Resolves when the recogniser is loaded (rejects when it cannot be). */
  private readonly ready: Promise<void>;
  /** The final result once `finalize()` resolved. */
  final: FinalTranscript | undefined;

  constructor(
    recogniser: Promise<SpeechRecogniser>,
    private readonly options: RecognitionOptions = {},
  ) {
    void recogniser.then(
      (r) => {
        if (this.closed) return;
        try {
          this.session = r.open(options);
        } catch (err) {
          this.fail(err);
          return;
        }
        for (const pcm of this.queued.splice(0)) this.session.send(pcm);
      },
      (err: unknown) => this.fail(err),
    );
    this.ready = recogniser.then(() => undefined);
    this.ready.catch(() => undefined);
  }

  get failure(): Error | undefined {
    return this.failed ?? this.session?.failure;
  }

  send(pcm: Uint8Array): void {
    if (this.closed || this.finalizing) return;
    if (this.session) this.session.send(pcm);
    else this.queued.push(new Uint8Array(pcm)); // the caller may reuse its buffer
  }

  finalize(): Promise<string> {
    this.finalizing ??= this.ready.then(() => {
      if (this.failed) throw this.failed;
      const session = this.session;
      if (!session) throw new SpeechError('SPEECH_ABORTED');
      const done = session.finalize();
      void session.finalizeSent().then(this.markSent, this.markSent);
      return done;
    });
    this.finalizing.catch(() => this.markSent());
    return this.finalizing.then((f) => {
      this.final = f;
      return f.text;
    });
  }

  finalizeSent(): Promise<void> {
    return this.sent;
  }

  transcriptSoFar(): string {
    return this.session?.transcriptSoFar() ?? '';
  }

  close(): void {
    this.closed = true;
    this.queued = [];
    this.session?.close();
    this.markSent();
  }

  private fail(err: unknown): void {
    this.failed =
      err instanceof Error
        ? err
        : new SpeechError('SPEECH_BACKEND_FAILED', undefined, { cause: err });
    this.markSent();
    if (!this.closed) this.options.onError?.(this.failed);
  }
}

/**
 * The transcript the turn answers: as recognised, or — when the recogniser asks for it (basic
 * accuracy, low confidence) — as the clinician confirmed or corrected it after a `voice.confirm`
 * event. Rejects with TURN_CANCELLED when the turn is stopped meanwhile.
 */
export async function confirmedTranscript(
  turnId: string,
  final: FinalTranscript,
  confirmations: TranscriptConfirmations,
  emit: (name: 'voice.confirm', payload: EventPayload<'voice.confirm'>) => void,
  signal: AbortSignal,
): Promise<string> {
  if (!final.needsConfirmation) return final.text;
  const waiting = confirmations.wait(turnId, signal);
  emit('voice.confirm', confirmationEvent(turnId, final));
  return waiting;
}

/** One piece of on-device speech, as the renderer plays cloud TTS: pcm_s16le bytes at a rate. */
export interface LocalAudio {
  readonly pcm: Uint8Array;
  readonly sampleRate: number;
}

/**
 * Speaks one sentence with the on-device voice; pieces are at most MAX_TTS_CHUNK_BYTES (the
 * event's limit) and come as the synthesiser produces them.
 */
export async function* speakLocally(
  synth: SpeechSynthesiser,
  text: string,
  signal: AbortSignal,
): AsyncGenerator<LocalAudio> {
  for await (const chunk of synth.synthesize(text, { signal })) {
    const bytes = new Uint8Array(chunk.pcm.buffer, chunk.pcm.byteOffset, chunk.pcm.byteLength);
    for (let off = 0; off < bytes.length; off += MAX_TTS_CHUNK_BYTES)
      yield {
        pcm: bytes.slice(off, Math.min(bytes.length, off + MAX_TTS_CHUNK_BYTES)),
        sampleRate: chunk.sampleRate,
      };
  }
}
