import { performance } from 'node:perf_hooks';
import type { AnswerSentenceDto } from '../../shared/voice-turn.js';
import { ExtractiveAnswerGenerator, checkCitations } from '../knowledge/answer.js';
import type { SearchHit } from '../knowledge/search.js';
import {
  PASSAGES_FOR_LLM,
  prepareAnswer,
  type AnswerDeps,
  type Preparation,
} from './answer-plan.js';
import { llmAnswer } from './llm-answer.js';
import { citationOf } from './sentences.js';
import { SpeechQueue } from './speech-queue.js';
import type { Turn } from './turn.js';

/** A getter read after an await (TypeScript would keep its narrowing from before the await). */
const isCancelled = (turn: Turn): boolean => turn.cancelled;

const NOT_COVERED = (titles: readonly string[]): string =>
  titles.length > 0
    ? `Your sources do not cover this question. Nearest sources: ${titles.join('; ')}.`
    : 'Your sources do not cover this question: the knowledge store has nothing related.';

/**
 * Question → cited answer → speech, for one turn: the answer's plan (PHI pseudonymization,
 * retrieval, the prompt), the LLM through the gateway when it has one (else, or when it fails
 * before saying anything citable, the local extractive answer), each sentence emitted and queued
 * for speech as soon as it is complete. `early` is a plan started ahead on what was then the
 * question; it is used when the question is still the same.
 */
export async function answerAndSpeak(
  turn: Turn,
  question: string,
  speak: boolean,
  deps: AnswerDeps,
  early?: Promise<Preparation>,
  /** Answer from these documents only (the topic picked after a clarifying question). */
  documentIds?: readonly number[],
): Promise<void> {
  const { client, providers } = deps;
  const speech = new SpeechQueue(turn, deps, speak);
  const say = (sentence: AnswerSentenceDto): void => {
    if (turn.cancelled) return;
    const index = turn.sentences.length;
    turn.marks.firstSentence ??= performance.now();
    turn.sentences.push(sentence);
    turn.emit('voice.answer', { turnId: turn.id, index, sentence, generator: turn.generator });
    speech.add(index, sentence.text);
  };

  let prep = early ? await early.catch(() => undefined) : undefined;
  if (prep?.question !== question) {
    prep?.sent?.cancel();
    prep = await prepareAnswer(turn.conversationId, question, deps, documentIds);
  }
  Object.assign(turn.marks, prep.marks);
  if (prep.phiError !== undefined) turn.fail('phi', prep.phiError);
  if (isCancelled(turn)) return;
  const { supported } = prep;

  let answered = false;
  if (client && supported.length > 0 && providers.usable('llm')) {
    const passages = supported.slice(0, PASSAGES_FOR_LLM);
    answered = await llmAnswer(turn, question, passages, prep, client, deps, say);
  }
  if (!answered && !isCancelled(turn)) await extractiveAnswer(turn, prep, say);
  await speech.drain();
}

/** The local answer: sentences quoted from the supporting passages, or "not covered". */
async function extractiveAnswer(
  turn: Turn,
  { hits, supported, query }: Pick<Preparation, 'hits' | 'supported' | 'query'>,
  say: (sentence: AnswerSentenceDto) => void,
): Promise<void> {
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
    const titles = [...new Set(hits.map((h: SearchHit) => h.title))].slice(0, 3);
    turn.covered = false;
    say({ text: NOT_COVERED(titles), citations: [] });
    return;
  }
  turn.covered = true;
  for (const s of sentences)
    say({
      text: s.text.replace(/\s+/g, ' ').trim(),
      citations: s.citations.map((c) =>
        citationOf({ ...c, heading: '', text: '', score: 0, bm25: null, cosine: null }),
      ),
    });
}
