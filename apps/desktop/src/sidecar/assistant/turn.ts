import { randomUUID } from 'node:crypto';
import type { EventName, EventPayload } from '../../shared/contract.js';
import type {
  AnswerSentenceDto,
  StageTimings,
  TurnError,
  TurnRecordDto,
  TurnStage,
} from '../../shared/voice-turn.js';
import { ProviderError } from '../providers/errors.js';
import type { SttSession } from '../providers/client.js';
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

export type TurnPhase = 'listening' | 'thinking' | 'done';
export type TurnMode = 'voice' | 'text';

const round = (x: number): number => Math.round(x * 10) / 10;
const diff = (a: number | undefined, b: number | undefined): number | null =>
  a === undefined || b === undefined ? null : round(Math.max(0, b - a));

const sum = (a: number | null, b: number | null): number | null =>
  a === null ? b : b === null ? a : round(a + b);

export const newId = (): string => randomUUID();

/** One turn's state: what was obtained, when, and the cancel switch for everything in flight. */
export class Turn {
  readonly id = newId();
  readonly startedAt = new Date().toISOString();
  readonly abort = new AbortController();
  readonly marks: TurnMarks = {};
  phase: TurnPhase = 'listening';
  transcript = '';
  readonly sentences: AnswerSentenceDto[] = [];
  covered = false;
  generator = '';
  speech: TurnRecordDto['speech'] = 'none';
  /** The answer's LLM request was sent before the final transcript, and used (sendAhead). */
  chatSentAhead = false;
  failed = false;
  readonly errors: TurnError[] = [];
  stt: SttSession | undefined;
  input: VoiceInput | undefined;
  /** Mic audio processing still running (VAD/AEC → STT), awaited at key-up. */
  pending: Promise<void> = Promise.resolve();
  nextAudioSeq = 0;
  nextChunkSeq = 0;
  playbackActive = false;
  /** TTS audio sent but not yet reported played: the echo canceller's far end, by chunk seq. */
  readonly unplayed = new Map<number, { pcm: Int16Array; sampleRate: number }>();
  /** Recorded microphone audio (only when recording is on). */
  readonly recording: Int16Array[] = [];
  done: Promise<void> = Promise.resolve();

  constructor(
    readonly conversationId: string,
    readonly mode: TurnMode,
    private readonly emitter: Emit,
  ) {}

  get cancelled(): boolean {
    return this.abort.signal.aborted;
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

  record(): TurnRecordDto {
    const status: TurnRecordDto['status'] = this.cancelled
      ? 'cancelled'
      : this.failed
        ? 'failed'
        : this.errors.length > 0
          ? 'partial'
          : 'complete';
    return {
      id: this.id,
      conversationId: this.conversationId,
      startedAt: this.startedAt,
      mode: this.mode,
      status,
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
    };
  }
}
