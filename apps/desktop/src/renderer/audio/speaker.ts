/**
 * Plays the engine's answer: TTS audio chunks scheduled back to back on one AudioContext clock
 * (no gaps between chunks, whatever their size or arrival jitter), or — when the server has no
 * TTS — the OS voices through speechSynthesis. `stop()` silences both at once (barge-in).
 * Playback progress goes to `onProgress`, which the turn controller forwards to the engine
 * (`voice.playback`: its echo canceller needs the far end as played).
 */

export type PlaybackState = 'idle' | 'playing';

export interface PlaybackProgress {
  readonly turnId: string;
  readonly state: 'playing' | 'ended' | 'stopped';
  readonly seq?: number;
}

export interface SpeakerCounters {
  /** TTS chunks that started playing since the page loaded. */
  readonly chunksPlayed: number;
  /** Sentences handed to the OS voice. */
  readonly utterances: number;
  /** Times playback was stopped while audible (barge-in, cancel). */
  readonly stops: number;
}

export interface Speaker {
  /** Call from a user gesture (key, click): browsers start audio only after one. */
  unlock(): void;
  playChunk(turnId: string, seq: number, pcm: Int16Array, sampleRate: number): void;
  speak(turnId: string, text: string): void;
  /** Stops everything now; true when something was playing or queued. */
  stop(): boolean;
  readonly state: PlaybackState;
  readonly counters: SpeakerCounters;
  onProgress: ((p: PlaybackProgress) => void) | undefined;
  onChange: (() => void) | undefined;
  onError: ((message: string) => void) | undefined;
}

/** Scheduling lead so the first chunk is not clipped by the render quantum in flight. */
const LEAD_S = 0.03;

export class BrowserSpeaker implements Speaker {
  onProgress: ((p: PlaybackProgress) => void) | undefined;
  onChange: (() => void) | undefined;
  onError: ((message: string) => void) | undefined;
  private context: AudioContext | undefined;
  private nextTime = 0;
  private turnId: string | undefined;
  private readonly sources = new Set<AudioBufferSourceNode>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private utterancesPending = 0;
  private counts = { chunksPlayed: 0, utterances: 0, stops: 0 };

  constructor(private readonly synth: SpeechSynthesis | undefined = globalThis.speechSynthesis) {}

  get state(): PlaybackState {
    return this.sources.size > 0 || this.utterancesPending > 0 ? 'playing' : 'idle';
  }

  get counters(): SpeakerCounters {
    return { ...this.counts };
  }

  unlock(): void {
    if (typeof AudioContext === 'undefined') return;
    this.context ??= new AudioContext({ latencyHint: 'interactive' });
    if (this.context.state === 'suspended') void this.context.resume().catch(() => undefined);
  }

  playChunk(turnId: string, seq: number, pcm: Int16Array, sampleRate: number): void {
    this.unlock();
    const ctx = this.context;
    if (!ctx || pcm.length === 0) return;
    this.switchTurn(turnId);
    const buffer = ctx.createBuffer(1, pcm.length, sampleRate);
    const data = buffer.getChannelData(0);
    for (let i = 0; i < pcm.length; i++) data[i] = (pcm[i] ?? 0) / 0x8000;
    const source = ctx.createBufferSource();
    source.buffer = buffer;
    source.connect(ctx.destination);
    const at = Math.max(this.nextTime, ctx.currentTime + LEAD_S);
    this.nextTime = at + buffer.duration;
    source.start(at);
    this.sources.add(source);
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.counts.chunksPlayed++;
        this.onProgress?.({ turnId, state: 'playing', seq });
        this.onChange?.();
      },
      Math.max(0, (at - ctx.currentTime) * 1000),
    );
    this.timers.add(timer);
    source.onended = () => {
      if (!this.sources.delete(source)) return; // stopped: already reported
      if (this.sources.size === 0 && this.utterancesPending === 0) {
        this.onProgress?.({ turnId, state: 'ended' });
        this.onChange?.();
      }
    };
    this.onChange?.();
  }

  speak(turnId: string, text: string): void {
    const synth = this.synth;
    if (!synth || typeof SpeechSynthesisUtterance === 'undefined') {
      this.onError?.(
        'This system has no voice to read answers aloud; the answer is shown on screen.',
      );
      return;
    }
    this.switchTurn(turnId);
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = 'en-US';
    this.utterancesPending++;
    this.counts.utterances++;
    let settled = false;
    const done = (failed: boolean): void => {
      if (settled) return;
      settled = true;
      this.utterancesPending = Math.max(0, this.utterancesPending - 1);
      if (failed)
        this.onError?.('The system voice could not read the answer; it is shown on screen.');
      if (this.turnId === turnId && this.state === 'idle')
        this.onProgress?.({ turnId, state: 'ended' });
      this.onChange?.();
    };
    utterance.onstart = () => this.onProgress?.({ turnId, state: 'playing' });
    utterance.onend = () => done(false);
    utterance.onerror = (e) => done(e.error !== 'interrupted' && e.error !== 'canceled');
    synth.speak(utterance);
    this.onChange?.();
  }

  stop(): boolean {
    const wasPlaying = this.state === 'playing';
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const sources = [...this.sources];
    this.sources.clear(); // before stop(): their onended must not report `ended`
    for (const s of sources) {
      try {
        s.stop();
      } catch {
        // never started (context still suspended): nothing to stop
      }
      s.disconnect();
    }
    if (this.utterancesPending > 0) this.synth?.cancel();
    this.utterancesPending = 0;
    this.nextTime = 0;
    if (wasPlaying) {
      this.counts.stops++;
      if (this.turnId) this.onProgress?.({ turnId: this.turnId, state: 'stopped' });
    }
    this.onChange?.();
    return wasPlaying;
  }

  private switchTurn(turnId: string): void {
    if (this.turnId !== undefined && this.turnId !== turnId && this.state === 'playing')
      this.stop(); // a new turn's audio never queues behind the old one's
    this.turnId = turnId;
  }
}
