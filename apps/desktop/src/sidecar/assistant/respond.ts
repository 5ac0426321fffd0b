import { missingCaseError } from '../../shared/assert.js';
import type { AnswerSentenceDto } from '../../shared/voice-turn.js';
import type { ConversationRepository } from '../store/conversations.js';
import { answerAndSpeak } from './answer.js';
import type { AnswerDeps, Preparation } from './answer-plan.js';
import type { Said } from './calculator-turn/dialogue.js';
import type { AssistantFront, FrontStep } from './front/front.js';
import type { OpenableView } from './intents/index.js';
import { SpeechQueue } from './speech-queue.js';
import type { Turn } from './turn.js';

/** What a turn's first decision needs besides the answer's own dependencies. */
export interface RespondDeps extends AnswerDeps {
  readonly front: AssistantFront | undefined;
  readonly conversations: ConversationRepository;
}

const VIEW_NAMES: Readonly<Record<OpenableView, string>> = {
  ask: 'the conversation',
  knowledge: 'Knowledge',
  calculators: 'the calculators',
  calendar: 'the calendar',
  files: 'Files',
  diagnostics: 'Diagnostics',
  settings: 'Settings',
};

const NOTHING_TO_REPEAT = 'There is no earlier answer in this conversation to repeat.';

/**
 * A turn once its words are known (the final transcript, or the typed text): the front decides
 * (`front.handle`) and the turn carries it out. An answer goes through the knowledge pipeline
 * (from the chosen topic's documents when the person picked one); what the assistant says itself
 * (a calculator's question or result, a clarifying question, the calendar's read-back, an honest
 * "not set up") is spoken through the same speech queue as answer sentences and shown with its
 * options; commands act. `early` is the answer planned while STT finalized: used only when the
 * front passes the same question on, else its chat sent ahead is cancelled.
 */
export async function respond(
  turn: Turn,
  text: string,
  said: Said,
  speak: boolean,
  deps: RespondDeps,
  early?: Promise<Preparation>,
): Promise<void> {
  const { front } = deps;
  if (!front) return answerAndSpeak(turn, text, speak, deps, early);
  let step: FrontStep;
  try {
    step = await front.handle({
      text,
      said,
      conversationId: turn.conversationId,
      signal: turn.abort.signal,
    });
  } catch (err) {
    drop(early);
    throw err;
  }
  if (turn.cancelled) return drop(early);
  switch (step.kind) {
    case 'answer': {
      const same = step.question === text && step.documentIds === undefined;
      if (!same) drop(early);
      return answerAndSpeak(
        turn,
        step.question,
        speak,
        deps,
        same ? early : undefined,
        step.documentIds,
      );
    }
    case 'say':
      drop(early);
      turn.generator = `assistant:${step.intent}`;
      turn.covered = true;
      turn.emit('assistant.prompt', {
        turnId: turn.id,
        conversationId: turn.conversationId,
        intent: step.intent,
        text: step.text.slice(0, 8192),
        options: (step.options ?? []).slice(0, 8).map((o) => o.slice(0, 200)),
        awaiting: step.awaiting,
      });
      return sayAll(turn, [step.text], speak, deps);
    case 'command':
      drop(early);
      return command(turn, step, speak, deps);
    default:
      throw missingCaseError(step);
  }
}

/** The plan made ahead is not used: its chat, if sent, is stopped before it reaches the LLM. */
function drop(early: Promise<Preparation> | undefined): void {
  void early?.then(
    (prep) => prep.sent?.cancel(),
    () => undefined,
  );
}

async function command(
  turn: Turn,
  step: Extract<FrontStep, { kind: 'command' }>,
  speak: boolean,
  deps: RespondDeps,
): Promise<void> {
  turn.generator = 'assistant:command';
  turn.covered = true;
  turn.emit('assistant.command', {
    turnId: turn.id,
    command: step.command,
    ...(step.view ? { view: step.view } : {}),
  });
  switch (step.command) {
    case 'stop':
      // The turn before was stopped when this one began (key-down or typing is a barge-in):
      // nothing is said, so nothing new plays.
      return;
    case 'open':
      return sayAll(turn, [`Opening ${VIEW_NAMES[step.view ?? 'ask']}.`], speak, deps);
    case 'repeat': {
      const last = deps.conversations
        .turns(turn.conversationId)
        .filter((t) => t.id !== turn.id && t.sentences.length > 0)
        .at(-1);
      if (!last) return sayAll(turn, [NOTHING_TO_REPEAT], speak, deps);
      turn.generator = last.generator;
      turn.covered = last.covered;
      return sayAll(turn, last.sentences, speak, deps);
    }
    default:
      throw missingCaseError(step.command);
  }
}

/** Sentences shown (`voice.answer`) and spoken in order, like an answer's. */
async function sayAll(
  turn: Turn,
  sentences: readonly (string | AnswerSentenceDto)[],
  speak: boolean,
  deps: AnswerDeps,
): Promise<void> {
  const speech = new SpeechQueue(turn, deps, speak);
  for (const s of sentences) {
    if (turn.cancelled) break;
    const sentence: AnswerSentenceDto = typeof s === 'string' ? { text: s, citations: [] } : s;
    const index = turn.sentences.length;
    turn.marks.firstSentence ??= deps.now();
    turn.sentences.push(sentence);
    turn.emit('voice.answer', { turnId: turn.id, index, sentence, generator: turn.generator });
    speech.add(index, sentence.text);
  }
  await speech.drain();
}
