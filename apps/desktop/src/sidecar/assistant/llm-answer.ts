import { CodedError } from '../../shared/errors.js';
import type { AnswerSentenceDto } from '../../shared/voice-turn.js';
import type { SearchHit } from '../knowledge/search.js';
import type { GatewayClient } from '../providers/client.js';
import { toProviderError } from '../providers/errors.js';
import {
  CAPABILITY_CODES,
  chatMessages,
  orResend,
  type AnswerDeps,
  type Preparation,
} from './answer-plan.js';
import { SentenceSplitter, resolveCitations } from './sentences.js';
import type { Turn } from './turn.js';

/**
 * The answer from the LLM through the gateway, for `passages` (the prompt numbers them [1]..[n]):
 * its stream is cut into sentences as they complete, each restored (pseudonyms → identifiers)
 * and handed to `say` if it cites a passage — an uncited sentence is dropped, answers are grounded
 * or silent. Uses the chat prepared (and maybe already sent) ahead when there is one.
 * True when the answer is given; false when the local answer should follow (no LLM, it failed
 * before a cited sentence, or it cited nothing) — the failure is then on the turn.
 */
export async function llmAnswer(
  turn: Turn,
  question: string,
  passages: readonly SearchHit[],
  { chat: prepared, sent }: Pick<Preparation, 'chat' | 'sent'>,
  client: GatewayClient,
  deps: AnswerDeps,
  say: (sentence: AnswerSentenceDto) => void,
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
    say({ text, citations });
  };
  turn.chatSentAhead = sent !== undefined;
  const signal = turn.abort.signal;
  try {
    const chat =
      prepared ??
      (await client.prepareChat({
        conversationId: turn.conversationId,
        messages: chatMessages(question, passages, deps.kb),
        temperature: 0,
      }));
    turn.marks.llmSent = now(); // the request is sent now, or was sent ahead and is taken up now
    // What leaves, as it leaves (the prompt's identifiers include the question's).
    for (const text of chat.outbound) turn.sent('llm', text);
    turn.identifiers = mostOf(turn.identifiers, chat.counts);
    const events =
      prepared && sent
        ? orResend(sent.events, () => {
            turn.chatSentAhead = false;
            return client.streamChat(chat, signal);
          })
        : client.streamChat(chat, signal);
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

/** Per type, the larger count: the prompt repeats the question's identifiers, adding sources'. */
function mostOf(
  a: Readonly<Record<string, number>>,
  b: Readonly<Record<string, number>>,
): Record<string, number> {
  const out: Record<string, number> = { ...a };
  for (const [t, n] of Object.entries(b)) out[t] = Math.max(out[t] ?? 0, n);
  return out;
}
