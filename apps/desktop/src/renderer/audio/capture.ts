import workletUrl from './capture-worklet.ts?worker&url';
import type { CaptureFrameMessage } from './capture-worklet.js';
import { CodedError, type CodeOf } from '../../shared/errors.js';

/** What the capture track actually got (browsers may ignore a constraint): shown in Diagnostics. */
export interface CaptureSettings {
  readonly deviceLabel: string;
  readonly echoCancellation: boolean | null;
  readonly noiseSuppression: boolean | null;
  readonly autoGainControl: boolean | null;
  readonly sampleRate: number | null;
  readonly channelCount: number | null;
  /** The AudioContext rate the worklet resamples from. */
  readonly contextRate: number;
}

export type MicErrorCode = CodeOf<'mic'>;

export class MicError extends CodedError<MicErrorCode> {
  override readonly name = 'MicError';
}

export const CAPTURE_CONSTRAINTS: MediaStreamConstraints = {
  audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 },
  video: false,
};

/** A microphone source as the turn controller sees it (the real one below; tests use a fake). */
export interface MicSource {
  /** Opens the microphone (idempotent); rejects with a MicError the person can act on. */
  open(): Promise<CaptureSettings>;
  /** 512-sample 16 kHz PCM16 frames and their level (dBFS), from open() until close(). */
  onFrame: ((pcm: Int16Array, level: number) => void) | undefined;
  /** Called when the device goes away (unplugged, revoked) while open. */
  onEnded: (() => void) | undefined;
  close(): void;
  readonly settings: CaptureSettings | undefined;
}

/** Turns a getUserMedia failure into a message a clinician can act on. */
export function micErrorFrom(err: unknown): MicError {
  const name = err instanceof Error || err instanceof DOMException ? err.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new MicError(
        'MIC_DENIED',
        'Microphone access is blocked. Allow the microphone for VoiceAssist (system or browser settings), then hold to talk again. Typed questions still work.',
      );
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new MicError(
        'MIC_MISSING',
        'No microphone was found. Connect one (or check it is enabled), then hold to talk again. Typed questions still work.',
      );
    case 'NotReadableError':
    case 'AbortError':
      return new MicError(
        'MIC_BUSY',
        'The microphone could not be started — another application may be using it. Close it and try again.',
      );
    default:
      return new MicError(
        'MIC_UNSUPPORTED',
        'This window cannot capture audio (no microphone support). Typed questions still work.',
      );
  }
}

/**
 * The real microphone: getUserMedia with echo cancellation, noise suppression and AGC, an
 * AudioContext at the device's rate and the capture worklet producing 16 kHz frames.
 */
export class BrowserMic implements MicSource {
  onFrame: ((pcm: Int16Array, level: number) => void) | undefined;
  onEnded: (() => void) | undefined;
  private opening: Promise<CaptureSettings> | undefined;
  private stream: MediaStream | undefined;
  private context: AudioContext | undefined;
  private current: CaptureSettings | undefined;

  constructor(private readonly media: MediaDevices | undefined = navigator.mediaDevices) {}

  get settings(): CaptureSettings | undefined {
    return this.current;
  }

  open(): Promise<CaptureSettings> {
    this.opening ??= this.start().catch((err: unknown) => {
      this.opening = undefined;
      this.close();
      throw err instanceof MicError ? err : micErrorFrom(err);
    });
    return this.opening;
  }

  private async start(): Promise<CaptureSettings> {
    if (
      !this.media?.getUserMedia ||
      typeof AudioContext === 'undefined' ||
      typeof AudioWorkletNode === 'undefined'
    )
      throw new MicError('MIC_UNSUPPORTED', micErrorFrom(null).message);
    const stream = await this.media.getUserMedia(CAPTURE_CONSTRAINTS);
    this.stream = stream;
    const track = stream.getAudioTracks()[0];
    if (!track) throw new MicError('MIC_MISSING', micErrorFrom({ name: 'NotFoundError' }).message);
    track.addEventListener('ended', () => {
      this.close();
      this.onEnded?.();
    });
    const context = new AudioContext({ latencyHint: 'interactive' });
    this.context = context;
    await context.audioWorklet.addModule(workletUrl);
    const source = context.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(context, 'voiceassist-capture', {
      numberOfInputs: 1,
      numberOfOutputs: 0,
      channelCount: 1,
      channelCountMode: 'explicit',
    });
    node.port.onmessage = (event: MessageEvent<CaptureFrameMessage>) =>
      this.onFrame?.(event.data.pcm, event.data.level);
    source.connect(node);
    if (context.state !== 'running') await context.resume();
    const s = track.getSettings();
    this.current = {
      deviceLabel: track.label,
      echoCancellation: typeof s.echoCancellation === 'boolean' ? s.echoCancellation : null,
      noiseSuppression: s.noiseSuppression ?? null,
      autoGainControl: s.autoGainControl ?? null,
      sampleRate: s.sampleRate ?? null,
      channelCount: s.channelCount ?? null,
      contextRate: context.sampleRate,
    };
    return this.current;
  }

  close(): void {
    for (const t of this.stream?.getTracks() ?? []) t.stop();
    this.stream = undefined;
    void this.context?.close().catch(() => undefined);
    this.context = undefined;
    this.opening = undefined;
  }
}
