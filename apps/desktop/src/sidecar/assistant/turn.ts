import { randomUUID } from 'node:crypto';
import { missingCaseError, strictAssert } from '../../shared/assert.js';
import type { EventName, EventPayload } from '../../shared/contract.js';
import { CodedError } from '../../shared/errors.js';
import type {
  AnswerSentenceDto,
  OutboundDto,
  StageTimings,
  TurnError,
  TurnRecordDto,
  TurnStage,
} from '../../shared/voice-turn.js';
import { ProviderError } from '../providers/errors.js';
import type { SttSession } from '../providers/client.js';
import type { LocalSttSession } from '../speech/local-turn.js';
import type { VoiceInput } from '../voice/voice-input.js';

export type Emit = <N extends EventName>(name: N, payload: EventPayload<N>) => void;

/** Instants (performance.now() ms) a turn passes; timings are differences of these. */
export interface TurnMarks {
  keyDown?: number;
  /** Key release; for a typed question, the `ask`. Every later timing is measured from here. */
  keyUp?: number;
  sttFinal?: number;
  phiStart?: number;
  phiEnd?: number;
  retrievalStart?: number;
  retrievalEnd?: number;
  /** The LLM prompt's pseudonymization (counted in the `phi` stage). */
  promptStart?: number;
  promptEnd?: number;
  llmSent?: number;
  llmFirst?: number;
  /** The first answer sentence was complete (LLM path: first token → this = sentence assembly). */
  firstSentence?: number;
  ttsSent?: number;
  ttsFirst?: number;
  firstAudio?: number;
  end?: number;
}

/**
 * Where a turn is. A voice turn: `listening` (key held, audio → STT) → `finalizing` (key up,
 * waiting for the final transcript) → `answering` (transcript → cited answer → speech) →
 * `ended` (with what it obtained, maybe partial). A typed question starts at `answering`. It ends
 * `failed` when nothing useful came out (no transcript), `cancelled` by barge-in or the stop
 * button. The last three are final; playback of an ended turn may go on (`playbackActive`).
 */
export type TurnState = 'listening' | 'finalizing' | 'answering' | 'ended' | 'failed' | 'cancelled';
export type TurnMode = 'voice' | 'text';

/** The moves a turn can make; anything else is a bug (strictAssert). */
const NEXT: Readonly<Record<TurnState, readonly TurnState[]>> = {
  listening: ['finalizing', 'cancelled'],
  finalizing: ['answering', 'failed', 'ended', 'cancelled'],
  answering: ['ended', 'cancelled'],
  ended: [],
  failed: [],
  cancelled: [],
};

const round = (x: number): number => Math.round(x * 10) / 10;
const diff = (a: number | undefined, b: number | undefined): number | null =>
  a === undefined || b === undefined ? null : round(Math.max(0, b - a));

const sum = (a: number | null, b: number | null): number | null =>
  a === null ? b : b === null ? a : round(a + b);

export const newId = (): string => randomUUID();

/** One turn: its state, what was obtained and when, and the cancel switch for all in flight. */
export class Turn {
  readonly id = newId();
  readonly startedAt = new Date().toISOString();
  readonly abort = new AbortController();
  readonly marks: TurnMarks = {};
  private current: TurnState;
  transcript = '';
  readonly sentences: AnswerSentenceDto[] = [];
  covered = false;
  generator = '';
  speech: TurnRecordDto['speech'] = 'none';
  /** The answer's LLM request was sent before the final transcript, and used (sendAhead). */
  chatSentAhead = false;
  readonly errors: TurnError[] = [];
  /** Identifiers found and replaced, by type (the question's, then the prompt's when it left). */
  identifiers: Readonly<Record<string, number>> = {};
  /** Texts that left the workstation, as they left (pseudonymized). */
  readonly outbound: OutboundDto[] = [];
  /** The cloud relay's STT stream, or the on-device recogniser's session. */
  stt: SttSession | LocalSttSession | undefined;
  input: VoiceInput | undefined;
  /** Mic audio processing still running (VAD/AEC → STT), awaited at key-up. */
  pending: Promise<void> = Promise.resolve();
  nextAudioSeq = 0;
  nextChunkSeq = 0;
  playbackActive = false;
  /** TTS audio sent but not yet reported played: the echo canceller's far end, by chunk seq. */
  readonly unplayed = new Map<number, { pcm: Int16Array; sampleRate: number }>();
  /** Settles when the turn has reached a final state and is saved. */
  done: Promise<void> = Promise.resolve();

  constructor(
    readonly conversationId: string,
    readonly mode: TurnMode,
    private readonly emitter: Emit,
  ) {
    this.current = mode === 'voice' ? 'listening' : 'answering';
  }

  get state(): TurnState {
    return this.current;
  }

  get cancelled(): boolean {
    return this.current === 'cancelled';
  }

  /** Still working on its answer (not yet in a final state). */
  get running(): boolean {
    switch (this.current) {
      case 'listening':
      case 'finalizing':
      case 'answering':
        return true;
      case 'ended':
      case 'failed':
      case 'cancelled':
        return false;
      default:
        throw missingCaseError(this.current);
    }
  }

  private move(to: TurnState): void {
    strictAssert(NEXT[this.current].includes(to), `turn cannot go from ${this.current} to ${to}`);
    this.current = to;
  }

  /** Key-up: the rest is STT's final transcript. */
  keyUp(): void {
    this.move('finalizing');
  }

  /** The question is known: answering it. */
  answering(): void {
    this.move('answering');
  }

  /** Nothing useful came out (no transcript): the turn ends here. */
  giveUp(): void {
    this.move('failed');
  }

  /** The turn ran to its end (a cancelled or failed one keeps that state). */
  finish(): void {
    if (this.running) this.move('ended');
  }

  /** Barge-in or stop: everything in flight is aborted. False when it had already ended. */
  cancel(reason: string): boolean {
    if (!this.running) return false;
    this.move('cancelled');
    this.abort.abort(new CodedError('TURN_CANCELLED', reason));
    return true;
  }

  /** Events about this turn's content stop the moment it is cancelled. */
  emit<N extends EventName>(name: N, payload: EventPayload<N>): void {
    if (this.cancelled && name !== 'voice.turnDone' && name !== 'voice.state') return;
    this.emitter(name, payload);
  }

  /** Records a failure and tells the clinician now (not at the end of the turn). */
  fail(stage: TurnStage, err: unknown): void {
    const e =
      err instanceof ProviderError
        ? { code: err.code, message: err.message }
        : err instanceof Error && 'code' in err && typeof err.code === 'string'
          ? { code: err.code, message: err.message }
          : { code: 'TURN_INTERNAL', message: 'The turn failed unexpectedly; see the engine log.' };
    if (this.errors.some((x) => x.stage === stage && x.code === e.code)) return;
    const error: TurnError = { stage, code: e.code, message: e.message.slice(0, 1024) };
    if (this.errors.length < 16) this.errors.push(error);
    this.emit('voice.error', { turnId: this.id, error });
  }

  /** A text left the workstation for `to`, exactly as given (already pseudonymized). */
  sent(to: OutboundDto['to'], text: string): void {
    if (this.outbound.length < 80) this.outbound.push({ to, text: text.slice(0, 40_000) });
  }

  timings(): StageTimings {
    const m = this.marks;
    return {
      capture: diff(m.keyDown, m.keyUp),
      sttFinalize: diff(m.keyUp, m.sttFinal),
      phi: sum(diff(m.phiStart, m.phiEnd), diff(m.promptStart, m.promptEnd)),
      retrieval: diff(m.retrievalStart, m.retrievalEnd),
      llmFirstToken: diff(m.llmSent, m.llmFirst),
      ttsFirstByte: diff(m.ttsSent, m.ttsFirst),
      firstAudio: diff(m.keyUp, m.firstAudio),
      total: diff(m.keyUp, m.end),
    };
  }

  /** The stored outcome; a turn still running is reported as it stands. */
  status(): TurnRecordDto['status'] {
    switch (this.current) {
      case 'cancelled':
        return 'cancelled';
      case 'failed':
        return 'failed';
      case 'listening':
      case 'finalizing':
      case 'answering':
      case 'ended':
        return this.errors.length > 0 ? 'partial' : 'complete';
      default:
        throw missingCaseError(this.current);
    }
  }

  record(): TurnRecordDto {
    return {
      id: this.id,
      conversationId: this.conversationId,
      startedAt: this.startedAt,
      mode: this.mode,
      status: this.status(),
      transcript: this.transcript.slice(0, 20_000),
      answer: this.sentences
        .map((s) => s.text)
        .join(' ')
        .slice(0, 50_000),
      sentences: this.sentences.slice(0, 64),
      covered: this.covered,
      generator: this.generator,
      speech: this.speech,
      timings: this.timings(),
      errors: this.errors,
      privacy: { identifiers: this.identifiers, outbound: this.outbound },
    };
  }
}
