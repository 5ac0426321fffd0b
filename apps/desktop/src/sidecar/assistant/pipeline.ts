import { performance } from 'node:perf_hooks';
import type { ProviderCapabilities } from '../providers/capabilities.js';
import { CodedError } from '../../shared/errors.js';
import { MAX_TTS_CHUNK_BYTES } from '../../shared/voice-turn.js';
import { ExtractiveAnswerGenerator, checkCitations, termCoverage } from '../knowledge/answer.js';
import { MIN_COSINE, MIN_TERM_COVERAGE, type KnowledgeBase } from '../knowledge/kb.js';
import type { SearchHit } from '../knowledge/search.js';
import type {
  AfterTranscript,
  ChatEvent,
  ChatMessageIn,
  GatewayClient,
  PreparedChat,
} from '../providers/client.js';
import { ProviderError, toProviderError } from '../providers/errors.js';
import {
  SYSTEM_PROMPT,
  SentenceSplitter,
  citationOf,
  resolveCitations,
  userPrompt,
} from './sentences.js';
import type { Turn, TurnMarks } from './turn.js';

/** Failures that mean the server's providers changed: ask it again (GET /v1/providers). */
const CAPABILITY_CODES: ReadonlySet<string> = new Set([
  'PROVIDER_NOT_CONFIGURED',
  'PROVIDER_UNAVAILABLE',
  'GATEWAY_UNREACHABLE',
]);
const PLACEHOLDER = /\[[A-Z]+_\d{1,6}\]/g;
/** A getter read after an await (TypeScript would keep its narrowing from before the await). */
const isCancelled = (turn: Turn): boolean => turn.cancelled;
const PASSAGES_FOR_LLM = 3;

export interface PipelineDeps {
  readonly kb: KnowledgeBase;
  readonly client: GatewayClient | undefined;
  readonly providers: ProviderCapabilities;
  readonly now: () => number;
}

const NOT_COVERED = (titles: readonly string[]): string =>
  titles.length > 0
    ? `Your sources do not cover this question. Nearest sources: ${titles.join('; ')}.`
    : 'Your sources do not cover this question: the knowledge store has nothing related.';

/** What a turn works out from the question before it asks the LLM (see prepareAnswer). */
export interface Preparation {
  readonly question: string;
  readonly hits: readonly SearchHit[];
  /** Hits that support an answer (enough of the question's terms, or close in meaning). */
  readonly supported: readonly SearchHit[];
  /** The retrieval query: the question without its identifiers. */
  readonly query: string;
  /** The LLM request, pseudonymized and ready to send, when there is an LLM and passages. */
  readonly chat: PreparedChat | undefined;
  /** `chat`, already sent while STT finalized (see sendAhead). */
  readonly sent?: SentChat;
  readonly phiError: unknown;
  readonly marks: Pick<
    TurnMarks,
    'phiStart' | 'phiEnd' | 'retrievalStart' | 'retrievalEnd' | 'promptStart' | 'promptEnd'
  >;
}

/**
 * The work between a question and the LLM request: PHI pseudonymization, retrieval, and the
 * pseudonymized prompt. It touches no turn, so a voice turn can run it on the last interim
 * transcript while STT finalizes (the key-up → final-transcript wait, 150 ms with Deepgram) and
 * drop it if the final transcript differs. Nothing is sent to a provider here.
 */
export async function prepareAnswer(
  conversationId: string,
  question: string,
  deps: PipelineDeps,
): Promise<Preparation> {
  const { kb, client, providers, now } = deps;
  const marks: Preparation['marks'] & TurnMarks = {};
  let phiError: unknown;
  // Retrieval runs on the question without its identifiers: a patient's name or record number
  // only adds noise to the search (and the local store needs no PHI to find the guidance).
  let query = question;
  if (client) {
    marks.phiStart = now();
    try {
      // Fills the conversation's vault; the LLM/TTS requests reuse its pseudonyms.
      const pseudonymized = await client.prepareQuestion(conversationId, question);
      query = pseudonymized.replace(PLACEHOLDER, ' ').replace(/\s+/g, ' ').trim() || question;
    } catch (err) {
      phiError = err;
    }
    marks.phiEnd = now();
  }
  marks.retrievalStart = now();
  const { hits } = await kb.search(query, { k: 8 });
  const supported = hits
    .slice(0, 5)
    .filter((h) => termCoverage(query, h) >= MIN_TERM_COVERAGE || (h.cosine ?? 0) >= MIN_COSINE);
  marks.retrievalEnd = now();
  let chat: PreparedChat | undefined;
  if (client && supported.length > 0 && providers.usable('llm')) {
    marks.promptStart = now();
    try {
      const passages = supported.slice(0, PASSAGES_FOR_LLM);
      chat = await client.prepareChat({
        conversationId,
        messages: chatMessages(question, passages),
        temperature: 0,
      });
    } catch {
      chat = undefined; // prepared again when the LLM is asked, where the error is reported
    }
    marks.promptEnd = now();
  }
  return { question, hits, supported, query, chat, phiError, marks };
}

/** A chat already on its way to the gateway, sent before the final transcript was in. */
export interface SentChat {
  readonly events: AsyncGenerator<ChatEvent>;
  /** The final transcript turned out different: stop it. */
  cancel(): void;
}

/**
 * Sends a preparation's chat at once, while STT is still finalizing: the gateway holds it until
 * the turn's final transcript is in and forwards it to the LLM only if it is `after.transcript`
 * (GatewayClient.streamChat). The LLM request then leaves the gateway as soon as the transcript
 * is final, instead of after the transcript has come to the workstation and the request gone
 * back. Nothing reaches the provider before the final transcript, and only for that transcript.
 */
export function sendAhead(
  prep: Preparation,
  client: GatewayClient,
  after: AfterTranscript,
  signal: AbortSignal,
): Preparation {
  if (!prep.chat) return prep;
  const controller = new AbortController();
  const stop = (): void => controller.abort(signal.reason);
  signal.addEventListener('abort', stop, { once: true });
  const stream = client.streamChat(prep.chat, controller.signal, after);
  const first = stream.next(); // starts the request now; its outcome is read by `events`
  first.catch(() => undefined);
  async function* events(): AsyncGenerator<ChatEvent> {
    try {
      const r = await first;
      if (r.done) return;
      yield r.value;
      yield* stream;
    } finally {
      signal.removeEventListener('abort', stop);
      await stream.return(undefined);
    }
  }
  return {
    ...prep,
    sent: {
      events: events(),
      cancel: () => {
        signal.removeEventListener('abort', stop);
        controller.abort();
        void stream.return(undefined).catch(() => undefined);
      },
    },
  };
}

/**
 * A chat sent ahead, and if the gateway found the final transcript different after all (its
 * hash of the transcript disagrees with ours: TRANSCRIPT_CHANGED, before any event), the same
 * chat sent again as an ordinary request.
 */
async function* orResend(
  sent: AsyncGenerator<ChatEvent>,
  resend: () => AsyncGenerator<ChatEvent>,
): AsyncGenerator<ChatEvent> {
  let any = false;
  try {
    for await (const ev of sent) {
      any = true;
      yield ev;
    }
  } catch (err) {
    if (any || !(err instanceof ProviderError) || err.code !== 'TRANSCRIPT_CHANGED') throw err;
    yield* resend();
  }
}

const chatMessages = (question: string, passages: readonly SearchHit[]): ChatMessageIn[] => [
  { role: 'system', content: SYSTEM_PROMPT },
  { role: 'user', content: userPrompt(question, passages) },
];

/**
 * Question → cited answer → speech, for one turn: PHI pseudonymization, retrieval, the LLM through
 * the gateway when it has one (else, or when it fails before saying anything citable, the local
 * extractive answer), each sentence emitted and queued for TTS as soon as it is complete.
 * `early` is a preparation started ahead on what was then the question; it is used when the
 * question is still the same.
 */
export async function answerAndSpeak(
  turn: Turn,
  question: string,
  speak: boolean,
  deps: PipelineDeps,
  early?: Promise<Preparation>,
): Promise<void> {
  const { client, providers } = deps;
  const speech = new SpeechQueue(turn, deps, speak);

  let prep = early ? await early.catch(() => undefined) : undefined;
  if (prep?.question !== question) {
    prep?.sent?.cancel();
    prep = await prepareAnswer(turn.conversationId, question, deps);
  }
  Object.assign(turn.marks, prep.marks);
  if (prep.phiError !== undefined) turn.fail('phi', prep.phiError);
  if (isCancelled(turn)) return;
  const { hits, supported, query } = prep;

  let answered = false;
  if (client && supported.length > 0 && providers.usable('llm')) {
    answered = await llmAnswer(
      turn,
      question,
      supported.slice(0, PASSAGES_FOR_LLM),
      prep,
      client,
      deps,
      speech,
    );
  }
  if (!answered && !isCancelled(turn)) {
    const sentences = checkCitations(
      supported.length
        ? await new ExtractiveAnswerGenerator().generate({
            question: query,
            passages: supported,
            signal: turn.abort.signal,
          })
        : [],
      supported,
    );
    turn.generator = 'extractive@1';
    if (sentences.length === 0) {
      const titles = [...new Set(hits.map((h) => h.title))].slice(0, 3);
      turn.covered = false;
      emitSentence(turn, { text: NOT_COVERED(titles), citations: [] }, speech);
    } else {
      turn.covered = true;
      for (const s of sentences)
        emitSentence(
          turn,
          {
            text: s.text.replace(/\s+/g, ' ').trim(),
            citations: s.citations.map((c) =>
              citationOf({ ...c, heading: '', text: '', score: 0, bm25: null, cosine: null }),
            ),
          },
          speech,
        );
    }
  }
  await speech.drain();
}

function emitSentence(
  turn: Turn,
  sentence: { text: string; citations: ReturnType<typeof citationOf>[] },
  speech: SpeechQueue,
): void {
  if (turn.cancelled) return;
  const index = turn.sentences.length;
  turn.marks.firstSentence ??= performance.now();
  turn.sentences.push(sentence);
  turn.emit('voice.answer', { turnId: turn.id, index, sentence, generator: turn.generator });
  speech.add(index, sentence.text);
}

async function llmAnswer(
  turn: Turn,
  question: string,
  passages: readonly SearchHit[],
  { chat: prepared, sent }: Pick<Preparation, 'chat' | 'sent'>,
  client: GatewayClient,
  deps: PipelineDeps,
  speech: SpeechQueue,
): Promise<boolean> {
  const { now, providers } = deps;
  const splitter = new SentenceSplitter();
  let cited = 0;
  turn.generator = 'llm:gateway';
  const handle = async (raw: string): Promise<void> => {
    const restored = await client.restore(turn.conversationId, raw);
    const { text, citations } = resolveCitations(restored, passages);
    if (citations.length === 0 || text === '') return; // grounded answers only: uncited is dropped
    cited++;
    turn.covered = true;
    emitSentence(turn, { text, citations }, speech);
  };
  turn.marks.llmSent = now(); // the request is sent now, or was sent ahead and is taken up now
  turn.chatSentAhead = sent !== undefined;
  const signal = turn.abort.signal;
  const events = prepared
    ? sent
      ? orResend(sent.events, () => {
          turn.chatSentAhead = false;
          return client.streamChat(prepared, signal);
        })
      : client.streamChat(prepared, signal)
    : client.chat({
        conversationId: turn.conversationId,
        messages: chatMessages(question, passages),
        temperature: 0,
        signal,
      });
  try {
    for await (const ev of events) {
      if (ev.type !== 'text') continue; // no tools are offered in a voice turn yet
      turn.marks.llmFirst ??= now();
      for (const raw of splitter.push(ev.text)) await handle(raw);
    }
    for (const raw of splitter.flush()) await handle(raw);
  } catch (err) {
    if (turn.cancelled) return true;
    const e = toProviderError(err, 'llm', turn.abort.signal);
    if (CAPABILITY_CODES.has(e.code)) void providers.refresh(); // the server's state changed
    if (e.code === 'PROVIDER_NOT_CONFIGURED') return cited > 0; // the local answer follows
    turn.fail('llm', e);
    return cited > 0; // nothing said yet: the local answer follows
  }
  if (cited === 0) {
    turn.fail(
      'llm',
      new CodedError(
        'LLM_UNCITED',
        'The AI answer cited none of your sources, so the answer taken from your sources is shown instead.',
      ),
    );
    return false;
  }
  return true;
}

/**
 * Speaks sentences in order: through the gateway's TTS while it works, with the renderer's OS
 * voices (`voice.speak`) when no TTS is configured or it fails (the rest of the turn then stays
 * on OS voices). Audio chunks are emitted as they arrive.
 */
class SpeechQueue {
  private chain: Promise<void> = Promise.resolve();
  private useOs: boolean;

  constructor(
    private readonly turn: Turn,
    private readonly deps: PipelineDeps,
    private readonly speak: boolean,
  ) {
    this.useOs = !deps.providers.usable('tts');
  }

  add(index: number, text: string): void {
    if (!this.speak) return;
    this.chain = this.chain.then(() => this.speakOne(index, text));
  }

  drain(): Promise<void> {
    return this.chain;
  }

  private speakOs(index: number, text: string): void {
    const { turn } = this;
    if (turn.cancelled) return;
    if (turn.speech === 'none') turn.speech = 'os';
    turn.marks.firstAudio ??= this.deps.now();
    turn.emit('voice.speak', { turnId: turn.id, sentence: index, text });
  }

  private async speakOne(index: number, text: string): Promise<void> {
    const { turn, deps } = this;
    const client = deps.client;
    if (turn.cancelled) return;
    if (this.useOs || !client) return this.speakOs(index, text);
    try {
      turn.marks.ttsSent ??= deps.now();
      const stream = await client.tts({
        conversationId: turn.conversationId,
        text,
        signal: turn.abort.signal,
      });
      for await (const chunk of stream.chunks) {
        if (isCancelled(turn)) return;
        turn.marks.ttsFirst ??= deps.now();
        this.emitAudio(index, chunk, stream.sampleRate);
      }
    } catch (err) {
      if (isCancelled(turn)) return;
      const e = toProviderError(err, 'tts', turn.abort.signal);
      if (CAPABILITY_CODES.has(e.code)) void deps.providers.refresh();
      if (e.code !== 'PROVIDER_NOT_CONFIGURED') turn.fail('tts', e);
      this.useOs = true;
      this.speakOs(index, text);
    }
  }

  private emitAudio(sentence: number, bytes: Uint8Array, sampleRate: number): void {
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
      turn.speech = 'gateway';
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
