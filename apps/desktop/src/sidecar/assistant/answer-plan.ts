import type { KnowledgeBase } from '../knowledge/kb.js';
import { MIN_COSINE, MIN_TERM_COVERAGE } from '../knowledge/kb.js';
import { termCoverage } from '../knowledge/answer.js';
import type { SearchHit } from '../knowledge/search.js';
import type { ProviderCapabilities } from '../providers/capabilities.js';
import type {
  AfterTranscript,
  ChatEvent,
  ChatMessageIn,
  GatewayClient,
  PreparedChat,
} from '../providers/client.js';
import { ProviderError } from '../providers/errors.js';
import type { SpeechSynthesiser } from '../speech/types.js';
import { SYSTEM_PROMPT, userPrompt } from './sentences.js';
import type { TurnMarks } from './turn.js';

/** Failures that mean the server's providers changed: ask it again (GET /v1/providers). */
export const CAPABILITY_CODES: ReadonlySet<string> = new Set([
  'PROVIDER_NOT_CONFIGURED',
  'PROVIDER_UNAVAILABLE',
  'GATEWAY_UNREACHABLE',
]);
const PLACEHOLDER = /\[[A-Z]+_\d{1,6}\]/g;
/** How many of the supporting passages the LLM is given (numbered [1]..[n] in its prompt). */
export const PASSAGES_FOR_LLM = 3;

/** What answering a question needs from the engine. */
export interface AnswerDeps {
  readonly kb: KnowledgeBase;
  readonly client: GatewayClient | undefined;
  readonly providers: ProviderCapabilities;
  readonly now: () => number;
  /** The on-device voice, when policy speaks answers on this computer (speech/local-speech.ts). */
  readonly localVoice?: () => Promise<SpeechSynthesiser | undefined>;
}

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
  deps: AnswerDeps,
  /** Only passages of these documents (a clarified topic's); undefined: the whole store. */
  documentIds?: readonly number[],
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
  const only = documentIds ? new Set(documentIds) : undefined;
  // Restricted: a wider search, then its passages from the chosen documents (the store's filter
  // knows sources, folders and tags, not document ids).
  const found = await kb.search(query, { k: only ? 64 : 8 });
  const hits = only ? found.hits.filter((h) => only.has(h.documentId)).slice(0, 8) : found.hits;
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
export async function* orResend(
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

export const chatMessages = (question: string, passages: readonly SearchHit[]): ChatMessageIn[] => [
  { role: 'system', content: SYSTEM_PROMPT },
  { role: 'user', content: userPrompt(question, passages) },
];
