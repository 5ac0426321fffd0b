import type { RpcClient } from '../../shared/client.js';
import type {
  AnswerSentenceDto,
  StageTimings,
  TurnError,
  TurnRecordDto,
} from '../../shared/voice-turn.js';

/** One turn as the conversation view shows it, built live from events, then from the record. */
export interface TurnView {
  readonly id: string;
  readonly conversationId: string;
  readonly mode: 'voice' | 'text' | 'unknown';
  readonly transcript: string;
  readonly transcriptFinal: boolean;
  /** Sparse while streaming: sentence i arrives as voice.answer index i. */
  readonly sentences: readonly (AnswerSentenceDto | undefined)[];
  readonly generator: string;
  readonly status: TurnRecordDto['status'] | 'in-progress';
  readonly covered: boolean | null;
  readonly speech: TurnRecordDto['speech'] | null;
  readonly timings: StageTimings | null;
  readonly errors: readonly TurnError[];
  readonly startedAt: string | null;
  /** What the assistant asked back, with the replies to offer (live turns only). */
  readonly prompt?: { readonly options: readonly string[]; readonly awaiting: boolean };
}

const blank = (id: string, conversationId = ''): TurnView => ({
  id,
  conversationId,
  mode: 'unknown',
  transcript: '',
  transcriptFinal: false,
  sentences: [],
  generator: '',
  status: 'in-progress',
  covered: null,
  speech: null,
  timings: null,
  errors: [],
  startedAt: null,
});

export const fromRecord = (r: TurnRecordDto): TurnView => ({
  id: r.id,
  conversationId: r.conversationId,
  mode: r.mode,
  transcript: r.transcript,
  transcriptFinal: true,
  sentences: r.sentences,
  generator: r.generator,
  status: r.status,
  covered: r.covered,
  speech: r.speech,
  timings: r.timings,
  errors: r.errors,
  startedAt: r.startedAt,
});

/**
 * The turns of the conversation on screen, oldest first. Live turns are filled from voice.*
 * events (interim then final transcript, answer sentence by sentence, errors) and replaced by the
 * stored record on voice.turnDone.
 */
export class TurnLog {
  private turns: TurnView[] = [];
  private readonly listeners = new Set<(turns: readonly TurnView[]) => void>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly rpc: RpcClient) {}

  /** Follows the engine's events (again after stop()). */
  start(): void {
    const { rpc } = this;
    this.unsubscribe.push(
      rpc.on('voice.transcript', (e) =>
        this.update(e.turnId, (t) =>
          t.transcriptFinal && !e.final
            ? t
            : { ...t, transcript: e.text, transcriptFinal: e.final },
        ),
      ),
      rpc.on('voice.answer', (e) =>
        this.update(e.turnId, (t) => {
          const sentences = [...t.sentences];
          sentences[e.index] = e.sentence;
          return { ...t, sentences, generator: e.generator };
        }),
      ),
      rpc.on('voice.error', (e) =>
        this.update(e.turnId, (t) => ({ ...t, errors: [...t.errors, e.error] })),
      ),
      rpc.on('assistant.prompt', (e) =>
        this.update(e.turnId, (t) => ({
          ...t,
          conversationId: e.conversationId,
          prompt: { options: e.options, awaiting: e.awaiting },
        })),
      ),
      rpc.on('voice.turnDone', (e) => {
        this.update(e.turn.id, (t) => ({
          ...fromRecord(e.turn),
          ...(t.prompt ? { prompt: t.prompt } : {}),
        }));
      }),
    );
  }

  get all(): readonly TurnView[] {
    return this.turns;
  }

  subscribe(listener: (turns: readonly TurnView[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A turn the controller just started (voice or typed), shown at once. */
  begin(id: string, conversationId: string, mode: 'voice' | 'text', question = ''): void {
    this.update(id, (t) => ({
      ...t,
      conversationId,
      mode,
      transcript: t.transcript || question,
      transcriptFinal: t.transcriptFinal || mode === 'text',
    }));
  }

  /** Shows a stored conversation (null: an empty, new one). */
  async load(conversationId: string | null): Promise<string | null> {
    if (conversationId === null) {
      this.replace([]);
      return null;
    }
    const result = await this.rpc.call('conversations.turns', { conversationId, limit: 200 });
    if (!result.ok) return result.error.message;
    this.replace(
      [...result.value].sort((a, b) => a.startedAt.localeCompare(b.startedAt)).map(fromRecord),
    );
    return null;
  }

  stop(): void {
    for (const u of this.unsubscribe.splice(0)) u();
  }

  private update(id: string, change: (t: TurnView) => TurnView): void {
    const index = this.turns.findIndex((t) => t.id === id);
    const next = [...this.turns];
    if (index === -1) next.push(change(blank(id)));
    else next[index] = change(this.turns[index] ?? blank(id));
    this.replace(next);
  }

  private replace(turns: TurnView[]): void {
    this.turns = turns;
    for (const l of this.listeners) l(this.turns);
  }
}
