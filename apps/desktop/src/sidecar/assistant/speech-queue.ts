import { MAX_TTS_CHUNK_BYTES } from '../../shared/voice-turn.js';
import { missingCaseError } from '../../shared/assert.js';
import type { ProviderCapabilities } from '../providers/capabilities.js';
import type { GatewayClient } from '../providers/client.js';
import { speakLocally } from '../speech/local-turn.js';
import type { SpeechSynthesiser } from '../speech/types.js';
import { toProviderError } from '../providers/errors.js';
import { CAPABILITY_CODES } from './answer-plan.js';
import type { Turn } from './turn.js';

/**
 * Where a turn's sentences are spoken: the gateway's TTS, the on-device voice (Piper or eSpeak NG,
 * when there is no cloud voice), the renderer's OS voices
 * (`voice.speak`: no cloud TTS, or it failed — the rest of the turn then stays there), or nowhere
 * (a typed question that did not ask for speech).
 */
export type SpeechMode = 'gateway' | 'on-device' | 'os' | 'silent';

export interface SpeechDeps {
  readonly client: GatewayClient | undefined;
  readonly providers: ProviderCapabilities;
  readonly now: () => number;
  readonly localVoice?: () => Promise<SpeechSynthesiser | undefined>;
}

/** A getter read after an await (TypeScript would keep its narrowing from before the await). */
const isCancelled = (turn: Turn): boolean => turn.cancelled;

/** Speaks a turn's sentences in order, each as soon as the one before it is out. */
export class SpeechQueue {
  private chain: Promise<void> = Promise.resolve();
  private mode: SpeechMode;

  constructor(
    private readonly turn: Turn,
    private readonly deps: SpeechDeps,
    speak: boolean,
  ) {
    this.mode = !speak
      ? 'silent'
      : deps.client && deps.providers.usable('tts')
        ? 'gateway'
        : deps.localVoice
          ? 'on-device'
          : 'os';
  }

  add(index: number, text: string): void {
    if (this.mode === 'silent') return;
    this.chain = this.chain.then(() => this.speakOne(index, text));
  }

  /** Resolves when every sentence added so far has been spoken (or given up). */
  drain(): Promise<void> {
    return this.chain;
  }

  private async speakOne(index: number, text: string): Promise<void> {
    if (this.turn.cancelled) return;
    const client = this.deps.client;
    switch (this.mode) {
      case 'silent':
        return;
      case 'os':
        return this.speakOs(index, text);
      case 'on-device':
        return this.speakOnDevice(index, text);
      case 'gateway':
        if (!client) return this.speakOs(index, text);
        return this.speakGateway(client, index, text);
      default:
        throw missingCaseError(this.mode);
    }
  }

  private speakOs(index: number, text: string): void {
    const { turn } = this;
    if (turn.cancelled) return;
    if (turn.speech === 'none') turn.speech = 'os';
    turn.marks.firstAudio ??= this.deps.now();
    turn.emit('voice.speak', { turnId: turn.id, sentence: index, text });
  }

  /** The on-device voice; if it cannot load or fails, this and later sentences go to OS voices. */
  private async speakOnDevice(index: number, text: string): Promise<void> {
    const { turn, deps } = this;
    const voice = await deps.localVoice?.();
    if (isCancelled(turn)) return;
    if (!voice) {
      this.mode = 'os';
      return this.speakOs(index, text);
    }
    try {
      turn.marks.ttsSent ??= deps.now();
      for await (const piece of speakLocally(voice, text, turn.abort.signal)) {
        if (isCancelled(turn)) return;
        turn.marks.ttsFirst ??= deps.now();
        this.emitAudio(index, piece.pcm, piece.sampleRate, 'on-device');
      }
    } catch (err) {
      if (isCancelled(turn)) return;
      turn.fail('tts', err);
      this.mode = 'os';
      this.speakOs(index, text);
    }
  }

  private async speakGateway(client: GatewayClient, index: number, text: string): Promise<void> {
    const { turn, deps } = this;
    try {
      turn.marks.ttsSent ??= deps.now();
      const stream = await client.tts({
        conversationId: turn.conversationId,
        text,
        signal: turn.abort.signal,
      });
      turn.sent('tts', stream.sent);
      for await (const chunk of stream.chunks) {
        if (isCancelled(turn)) return;
        turn.marks.ttsFirst ??= deps.now();
        this.emitAudio(index, chunk, stream.sampleRate, 'gateway');
      }
    } catch (err) {
      if (isCancelled(turn)) return;
      const e = toProviderError(err, 'tts', turn.abort.signal);
      if (CAPABILITY_CODES.has(e.code)) void deps.providers.refresh();
      if (e.code !== 'PROVIDER_NOT_CONFIGURED') turn.fail('tts', e);
      this.mode = 'os';
      this.speakOs(index, text);
    }
  }

  private emitAudio(
    sentence: number,
    bytes: Uint8Array,
    sampleRate: number,
    from: 'gateway' | 'on-device',
  ): void {
    const { turn } = this;
    for (let off = 0; off < bytes.length; off += MAX_TTS_CHUNK_BYTES) {
      const part = bytes.subarray(off, Math.min(bytes.length, off + MAX_TTS_CHUNK_BYTES));
      const seq = turn.nextChunkSeq++;
      const copy = new Uint8Array(part); // aligned, owned copy
      turn.unplayed.set(seq, {
        pcm: new Int16Array(copy.buffer, 0, copy.length >> 1),
        sampleRate,
      });
      if (turn.unplayed.size > 512) turn.unplayed.delete(turn.unplayed.keys().next().value ?? seq);
      turn.speech = from;
      turn.emit('voice.audio.chunk', {
        turnId: turn.id,
        seq,
        sentence,
        format: 'pcm_s16le',
        sampleRate,
        pcm: Buffer.from(part.buffer, part.byteOffset, part.byteLength).toString('base64'),
      });
      if (turn.marks.firstAudio === undefined) {
        turn.marks.firstAudio = this.deps.now();
        turn.emit('voice.state', { turnId: turn.id, state: 'speaking', level: null });
      }
    }
  }
}
