import type { RpcClient } from '../../shared/client.js';
import type { ErrorInfo } from '../../shared/errors.js';
import { MicError, type CaptureSettings, type MicSource } from '../audio/capture.js';
import { base64ToPcm16 } from '../audio/pcm.js';
import type { Speaker } from '../audio/speaker.js';

/** Where a key-down / key-up came from. The global hotkey (main process) arrives as 'hotkey'. */
export type PressSource = 'space' | 'button' | 'hotkey';

export type VoicePhase = 'idle' | 'starting' | 'listening' | 'thinking' | 'speaking';

export interface VoiceSnapshot {
  readonly phase: VoicePhase;
  /** Input level in dBFS while listening, else null. */
  readonly level: number | null;
  /** Which source holds the turn (null when nothing is held). */
  readonly heldBy: PressSource | null;
  readonly turnId: string | null;
  /** How the current turn was asked. */
  readonly turnMode: 'voice' | 'text';
  /** The conversation new turns continue (null: the next turn starts one). */
  readonly conversationId: string | null;
  /** The latest problem, in words; cleared by the next successful start. */
  readonly error: ErrorInfo | null;
  readonly capture: CaptureSettings | null;
  /** Playback counters (exposed for tests and diagnostics). */
  readonly chunksPlayed: number;
  readonly playbackStops: number;
  readonly playing: boolean;
}

type Listener = (s: VoiceSnapshot) => void;

/** Frames buffered while turnStart is in flight: ~2 s at 32 ms each. */
const MAX_BUFFERED_FRAMES = 64;

/** Nothing captured, playing or pending: where every controller starts. */
export const IDLE_SNAPSHOT: VoiceSnapshot = {
  phase: 'idle',
  level: null,
  heldBy: null,
  turnId: null,
  turnMode: 'voice',
  conversationId: null,
  error: null,
  capture: null,
  chunksPlayed: 0,
  playbackStops: 0,
  playing: false,
};

/**
 * ONE controller for push-to-talk, whatever presses the key: Space in the window, the on-screen
 * button, or the global hotkey relayed by the main process. press() starts a turn (stopping any
 * playback first: barge-in by key), release() ends it. Repeated presses while held (key
 * auto-repeat, two sources at once) are ignored; only the source that pressed can release.
 */
export class TurnController {
  private snapshot: VoiceSnapshot = IDLE_SNAPSHOT;
  private readonly listeners = new Set<Listener>();
  private readonly unsubscribe: (() => void)[] = [];
  /** Resolves to the engine's turn id once voice.turnStart answered (undefined: it failed). */
  private starting: Promise<{ turnId: string; conversationId: string } | undefined> | undefined;
  private queue: Int16Array[] = [];
  private audioSeq = 0;
  /** Turns whose audio this window stopped: late chunks for them are dropped. */
  private readonly silenced = new Set<string>();
  /** Speech barge-in while the app speaks (voice.status); the engine decides. */
  private bargeInBySpeech = true;

  constructor(
    private readonly rpc: RpcClient,
    private readonly mic: MicSource,
    private readonly speaker: Speaker,
  ) {}

  /** Wires the microphone, the speaker and the engine's events (again after stop()). */
  start(): void {
    const { rpc, mic, speaker } = this;
    mic.onFrame = (pcm, level) => this.onFrame(pcm, level);
    mic.onEnded = () =>
      this.fail({
        code: 'MIC_MISSING',
        message:
          'The microphone went away (unplugged or turned off). Reconnect it and hold to talk again.',
      });
    speaker.onProgress = (p) => {
      if (p.state === 'playing' && p.seq === undefined) return; // OS voice: nothing to cancel echo with
      void this.rpc.call('voice.playback', {
        turnId: p.turnId,
        state: p.state,
        ...(p.seq === undefined ? {} : { seq: p.seq }),
      });
    };
    speaker.onChange = () => this.syncPlayback();
    speaker.onError = (message) => this.fail({ code: 'TTS_PLAYBACK', message });
    this.unsubscribe.push(
      rpc.on('voice.state', (e) => {
        if (e.turnId !== null && e.turnId !== this.snapshot.turnId) return;
        if (this.snapshot.phase === 'starting' || this.snapshot.heldBy !== null) {
          if (e.state !== 'listening') return; // our key is down: the engine is catching up
        }
        this.set({
          phase: e.state === 'idle' && this.speaker.state === 'playing' ? 'speaking' : e.state,
        });
      }),
      rpc.on('voice.audio.chunk', (e) => {
        if (this.silenced.has(e.turnId) || e.turnId !== this.snapshot.turnId) return;
        this.speaker.playChunk(e.turnId, e.seq, base64ToPcm16(e.pcm), e.sampleRate);
      }),
      rpc.on('voice.speak', (e) => {
        if (this.silenced.has(e.turnId) || e.turnId !== this.snapshot.turnId) return;
        this.speaker.speak(e.turnId, e.text);
      }),
      rpc.on('voice.stopPlayback', (e) => {
        this.silenced.add(e.turnId);
        if (e.turnId === this.snapshot.turnId) this.speaker.stop();
      }),
      rpc.on('voice.error', (e) => {
        if (e.turnId === this.snapshot.turnId) this.set({ error: e.error });
      }),
    );
  }

  get state(): VoiceSnapshot {
    return this.snapshot;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setBargeInBySpeech(on: boolean): void {
    this.bargeInBySpeech = on;
  }

  /** Key-down (or button down) from any source. */
  press(source: PressSource): void {
    if (this.snapshot.heldBy !== null) return; // auto-repeat, or another source already holds it
    this.speaker.unlock();
    const previous = this.snapshot.turnId;
    if (this.speaker.stop() && previous) this.silenced.add(previous); // barge-in: silent at once
    if (previous) this.silenced.add(previous);
    this.queue = [];
    this.audioSeq = 0;
    this.set({
      heldBy: source,
      phase: 'starting',
      level: null,
      error: null,
      turnId: null,
      turnMode: 'voice',
    });
    const conversationId = this.snapshot.conversationId;
    const mic = this.mic.open().then(
      (capture) => {
        this.set({ capture });
        return true;
      },
      (err: unknown) => {
        this.fail(
          err instanceof MicError
            ? { code: err.code, message: err.message }
            : { code: 'MIC_UNSUPPORTED', message: 'The microphone could not be opened.' },
        );
        return false;
      },
    );
    const start = this.rpc
      .call('voice.turnStart', conversationId ? { conversationId } : {})
      .then((result) => {
        if (!result.ok) {
          this.fail(result.error);
          return undefined;
        }
        this.set({ turnId: result.value.turnId, conversationId: result.value.conversationId });
        return result.value;
      });
    this.starting = Promise.all([mic, start]).then(([micOk, ref]) => {
      if (ref === undefined) return undefined;
      if (!micOk) {
        void this.rpc.call('voice.cancel', { turnId: ref.turnId, reason: 'user' });
        return undefined;
      }
      if (this.snapshot.heldBy !== null) this.set({ phase: 'listening' });
      this.flush(ref.turnId);
      return ref;
    });
  }

  /** Key-up (or button up). Only the source that pressed ends the turn. */
  release(source: PressSource): void {
    if (this.snapshot.heldBy !== source) return;
    this.set({ heldBy: null, level: null });
    const starting = this.starting;
    if (!starting) return;
    void starting.then(async (ref) => {
      if (ref === undefined) {
        if (this.snapshot.phase === 'starting') this.set({ phase: 'idle' });
        return;
      }
      this.flush(ref.turnId);
      if (this.snapshot.phase === 'listening' || this.snapshot.phase === 'starting')
        this.set({ phase: 'thinking' });
      const ended = await this.rpc.call('voice.turnEnd', ref);
      if (!ended.ok) this.fail(ended.error);
    });
  }

  /** A typed question (always available, with or without speech-to-text). */
  async ask(text: string, speak: boolean): Promise<ErrorInfo | null> {
    this.speaker.unlock();
    const previous = this.snapshot.turnId;
    this.speaker.stop();
    if (previous) this.silenced.add(previous);
    const conversationId = this.snapshot.conversationId;
    this.set({ phase: 'thinking', error: null, turnId: null, turnMode: 'text' });
    const result = await this.rpc.call('assistant.ask', {
      text,
      speak,
      ...(conversationId ? { conversationId } : {}),
    });
    if (!result.ok) {
      this.fail(result.error);
      return result.error;
    }
    this.set({ turnId: result.value.turnId, conversationId: result.value.conversationId });
    return null;
  }

  /** The Stop button: silence now, and the engine cancels in-flight LLM/TTS. */
  stopAnswer(): void {
    const turnId = this.snapshot.turnId;
    this.speaker.stop();
    if (turnId) this.silenced.add(turnId);
    void this.rpc.call('voice.cancel', { reason: 'user', ...(turnId ? { turnId } : {}) });
    if (this.snapshot.heldBy === null) this.set({ phase: 'idle', level: null });
  }

  /** Continue another conversation (or none: the next turn starts a new one). */
  useConversation(conversationId: string | null): void {
    this.set({ conversationId });
  }

  /** Unwires everything, silences playback and closes the microphone. */
  stop(): void {
    for (const u of this.unsubscribe.splice(0)) u();
    if (this.snapshot.heldBy !== null) this.release(this.snapshot.heldBy);
    this.speaker.stop();
    this.mic.close();
  }

  private onFrame(pcm: Int16Array, level: number): void {
    const { heldBy, phase, turnId } = this.snapshot;
    if (heldBy !== null) {
      if (phase === 'listening' || phase === 'starting') this.set({ level: Math.round(level) });
      this.queue.push(pcm);
      if (this.queue.length > MAX_BUFFERED_FRAMES) this.queue.shift();
      if (turnId && phase === 'listening') this.flush(turnId);
      return;
    }
    // While the app speaks, the engine listens for the person talking over it (barge-in).
    if (this.bargeInBySpeech && turnId && this.speaker.state === 'playing') {
      this.queue.push(pcm);
      this.flush(turnId);
    }
  }

  private flush(turnId: string): void {
    // Binary frames, fire-and-forget: the engine reports a problem with the audio on the turn.
    for (const pcm of this.queue.splice(0))
      this.rpc.sendAudio({ turnId, seq: this.audioSeq++, pcm });
  }

  private fail(error: ErrorInfo): void {
    this.set({
      error,
      phase:
        this.snapshot.heldBy === null && this.snapshot.phase !== 'speaking'
          ? 'idle'
          : this.snapshot.phase,
      level: null,
    });
  }

  private syncPlayback(): void {
    const c = this.speaker.counters;
    const playing = this.speaker.state === 'playing';
    const patch: Partial<Mutable<VoiceSnapshot>> = {
      chunksPlayed: c.chunksPlayed,
      playbackStops: c.stops,
      playing,
    };
    if (playing && this.snapshot.heldBy === null && this.snapshot.phase !== 'speaking')
      patch.phase = 'speaking';
    if (!playing && this.snapshot.phase === 'speaking') patch.phase = 'idle';
    this.set(patch);
  }

  private set(patch: Partial<VoiceSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const l of this.listeners) l(this.snapshot);
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
