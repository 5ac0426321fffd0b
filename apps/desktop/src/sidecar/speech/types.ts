/**
 * On-device speech: the interfaces the voice turn uses, whichever engine is behind them.
 *
 * Recognition mirrors the cloud relay's `SttSession` (providers/stt.ts) so the turn can hold either:
 * 16 kHz mono PCM16 LE in, interim and final text out, `finalize()` at key-up. What on-device adds
 * is what a clinician must know before an answer goes out: how sure the recogniser is, and whether
 * its transcript must be confirmed first (`FinalTranscript.needsConfirmation`).
 */

/** Every recogniser takes 16 kHz mono 16-bit little-endian PCM, the engine's capture format. */
export const SPEECH_SAMPLE_RATE = 16_000;

/**
 * `basic`: fit for trying the app, not for clinical use (pocketsphinx: WER ≈ 0.7 on real speech);
 * its transcripts are always confirmed before they are answered. `standard`: neural models.
 */
export type RecogniserAccuracy = 'basic' | 'standard';

export type RecogniserId = 'pocketsphinx' | 'sherpa-streaming' | 'sherpa-offline';

/**
 * A final transcript below this confidence is shown for confirmation even from a `standard`
 * recogniser. 0.6 of mean per-token probability: below it, a wrong content word in a short
 * question is more likely than not (a one-key confirmation costs less than a wrong answer).
 */
export const CONFIRM_BELOW_CONFIDENCE = 0.6;

export interface FinalTranscript {
  /** The whole utterance, lower case words separated by single spaces (no PHI in logs: never log it). */
  readonly text: string;
  /** Mean per-word (or per-token) posterior in [0, 1]; undefined when the model gives none. */
  readonly confidence: number | undefined;
  /** True when the turn must show the text for confirmation (or correction) before answering. */
  readonly needsConfirmation: boolean;
  readonly recogniser: RecogniserId;
  readonly accuracy: RecogniserAccuracy;
  /** Seconds of audio the recogniser was given. */
  readonly audioSeconds: number;
}

export interface RecognitionOptions {
  /** Interim (final: false) and settled (final: true) text so far; like `SttSessionOptions.onTranscript`. */
  readonly onTranscript?: (text: string, final: boolean) => void;
  /** The session failed (recogniser crashed or timed out): reported once, as soon as it happens. */
  readonly onError?: (err: Error) => void;
  readonly signal?: AbortSignal;
}

/** One push-to-talk utterance. Same life cycle as the cloud `SttSession`. */
export interface RecognitionSession {
  /** 16 kHz mono PCM16 LE, any chunk size (an odd trailing byte waits for the next chunk). */
  send(pcm: Uint8Array): void;
  /** Key-up: no more audio; resolves with the whole final transcript. */
  finalize(): Promise<FinalTranscript>;
  /** Resolves once finalizing has started (or the session ended): work can overlap the wait. */
  finalizeSent(): Promise<void>;
  /** Settled text plus the latest interim, for a turn that failed midway. */
  transcriptSoFar(): string;
  readonly failure: Error | undefined;
  /** Drops the utterance (cancel/barge-in); idempotent. */
  close(): void;
}

export interface SpeechRecogniser {
  readonly id: RecogniserId;
  readonly accuracy: RecogniserAccuracy;
  /** For Diagnostics and the Talk control: e.g. "pocketsphinx (basic accuracy)". */
  readonly label: string;
  /** Opens a session; one at a time per recogniser (push-to-talk has one speaker). */
  open(options?: RecognitionOptions): RecognitionSession;
  /** Releases the model and any helper process. */
  close(): Promise<void>;
}

/** A piece of synthesized speech, in play order. */
export interface SpeechChunk {
  /** Mono PCM16 LE samples. */
  readonly pcm: Int16Array;
  readonly sampleRate: number;
}

export type SynthesiserId = 'sherpa-vits' | 'espeak-ng';

export interface SynthesisOptions {
  readonly signal?: AbortSignal;
  /** 1 = the voice's normal rate. */
  readonly speed?: number;
}

export interface SpeechSynthesiser {
  readonly id: SynthesiserId;
  readonly label: string;
  /** Speaks one sentence; chunks arrive as they are produced (the first one early). */
  synthesize(text: string, options?: SynthesisOptions): AsyncIterable<SpeechChunk>;
  close(): Promise<void>;
}

/** The confirmation rule, in one place for every recogniser. */
export function needsConfirmation(
  accuracy: RecogniserAccuracy,
  confidence: number | undefined,
  text: string,
): boolean {
  if (text.trim() === '') return false; // nothing to confirm: the turn reports "nothing heard"
  if (accuracy === 'basic') return true;
  return confidence !== undefined && confidence < CONFIRM_BELOW_CONFIDENCE;
}
