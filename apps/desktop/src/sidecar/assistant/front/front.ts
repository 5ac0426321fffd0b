import { CalculatorDialogue, type InputFiller, type Said } from '../calculator-turn/dialogue.js';
import { continueWith, detectBroad, type Clarification, type RankedHit } from '../clarify/index.js';
import {
  NOTHING_SET_UP,
  unavailableReply,
  type AppCommand,
  type Capabilities,
  type Intent,
  type IntentRouter,
  type OpenableView,
} from '../intents/index.js';

/** What the turn does with the words it got. */
export type FrontStep =
  /** Say this (and show the options as buttons); `awaiting`: the next turn is the reply. */
  | {
      readonly kind: 'say';
      readonly intent: Intent;
      readonly text: string;
      readonly options?: readonly string[];
      readonly awaiting: boolean;
    }
  /** An app command for the turn to carry out. */
  | { readonly kind: 'command'; readonly command: AppCommand; readonly view?: OpenableView }
  /** Answer from the knowledge store: this question, from these documents when given. */
  | {
      readonly kind: 'answer';
      readonly question: string;
      readonly documentIds?: readonly number[];
    };

type Pending =
  | { readonly kind: 'calc'; readonly dialogue: CalculatorDialogue }
  | { readonly kind: 'clarify'; readonly original: string; readonly clarification: Clarification }
  | { readonly kind: 'calendar'; readonly calendar: CalendarTurn };

/** The calendar by voice for one conversation (calendar/voice.ts `CalendarVoice`). */
export interface CalendarTurn {
  /** Undefined when the words are no calendar request it understands. */
  handle(text: string): Promise<CalendarReply | undefined>;
}

/** The calendar's answer: `spoken` (words for the ear) is what is said and shown when given. */
export interface CalendarReply {
  readonly speech: string;
  readonly spoken?: string;
  readonly pending?: unknown;
  /** Waiting for an answer other than an event's "yes" (a change read back, a choice). */
  readonly awaiting?: boolean;
  /** The replies to offer as buttons; "Yes" and "No" when absent and awaiting. */
  readonly options?: readonly string[];
}

/** Where calendar turns go when the workstation may have a calendar (front/calendar-access.ts). */
export interface CalendarAccess {
  /** The conversation's calendar, or the sentence saying why there is none here. */
  open(conversationId: string, signal?: AbortSignal): Promise<CalendarTurn | string>;
}

/** What the calendar understands by voice; anything else is said plainly, not guessed at. */
export const CALENDAR_CAN =
  'I can add an event ("add a meeting tomorrow at 2 pm with Dr. Smith"), tell you what is next today, whether you are free at a time, or move and cancel an event ("move my 3 pm to Friday", "cancel the staff meeting").';

export interface FrontOptions {
  readonly router: IntentRouter;
  /** The retrieval the clarification decides on (CLARIFY_SEARCH over the knowledge store). */
  readonly search: (question: string, signal?: AbortSignal) => Promise<readonly RankedHit[]>;
  readonly capabilities?: Capabilities;
  /** LLM input filling for a conversation, when an LLM is configured. */
  readonly fill?: (conversationId: string) => InputFiller;
  /** The calendar (Nextcloud through the sync server); without it calendar turns are refused. */
  readonly calendar?: CalendarAccess;
}

/**
 * The first decision of every turn, before any answer is generated: route it (intents), carry an
 * open calculator or clarifying question over to the next turn of the same conversation (the
 * reply continues it), ask back when a knowledge question is broad, and say plainly what is not
 * set up. Knowledge answering itself stays with the turn.
 */
export class AssistantFront {
  private readonly pending = new Map<string, Pending>();
  constructor(private readonly options: FrontOptions) {}

  /** Whether the conversation's next turn is a reply to a question the assistant asked. */
  awaiting(conversationId: string): boolean {
    return this.pending.has(conversationId);
  }

  /**
   * Whether `text` may well be passed on as a knowledge question (so planning its answer ahead is
   * not wasted): not a reply to an open question, not a command or calculator by rule.
   */
  mayAnswer(conversationId: string, text: string): boolean {
    return !this.pending.has(conversationId) && this.options.router.local.ruled(text) === undefined;
  }

  async handle(turn: {
    readonly text: string;
    readonly said: Said;
    readonly conversationId: string;
    readonly signal?: AbortSignal;
  }): Promise<FrontStep> {
    const { text, said, conversationId, signal } = turn;
    const ruled = this.options.router.local.ruled(text);
    if (ruled?.intent === 'command') {
      if (ruled.command === 'stop') this.pending.delete(conversationId);
      return {
        kind: 'command',
        command: ruled.command ?? 'stop',
        ...(ruled.view ? { view: ruled.view } : {}),
      };
    }
    const open = this.pending.get(conversationId);
    this.pending.delete(conversationId);
    if (
      open?.kind === 'calc' &&
      (ruled === undefined || (ruled.intent === 'calculator' && !ruled.calculatorId))
    )
      return this.calcStep(
        conversationId,
        open.dialogue,
        await open.dialogue.reply(text, said, signal),
      );
    if (open?.kind === 'calendar' && (ruled === undefined || ruled.intent === 'calendar')) {
      // "yes" / "no" to the event read back; anything else drops it and is routed as usual.
      const reply = await open.calendar.handle(text);
      if (reply) return this.calendarStep(conversationId, open.calendar, reply);
    }
    if (open?.kind === 'clarify') {
      const next = continueWith(open.original, open.clarification, text);
      if (next.kind === 'answer')
        return {
          kind: 'answer',
          question: next.question,
          ...(next.documentIds ? { documentIds: next.documentIds } : {}),
        };
      // Not a pick: a new request if the words route elsewhere, else ask once more.
      if (ruled === undefined && text.split(/\s+/).length <= 3) {
        this.pending.set(conversationId, open);
        return {
          kind: 'say',
          intent: 'knowledge',
          text: next.prompt,
          options: open.clarification.options.map((o) => o.label),
          awaiting: true,
        };
      }
    }

    const route = await this.options.router.route({
      text,
      conversationId,
      ...(signal ? { signal } : {}),
    });
    if (route.intent === 'command')
      return {
        kind: 'command',
        command: route.command ?? 'stop',
        ...(route.view ? { view: route.view } : {}),
      };
    if (route.intent === 'calendar' && this.options.calendar) {
      const calendar = await this.options.calendar.open(conversationId, signal);
      if (typeof calendar === 'string')
        return { kind: 'say', intent: 'calendar', text: calendar, awaiting: false };
      const reply = await calendar.handle(text);
      return reply
        ? this.calendarStep(conversationId, calendar, reply)
        : { kind: 'say', intent: 'calendar', text: CALENDAR_CAN, awaiting: false };
    }
    const unavailable = unavailableReply(route, this.options.capabilities ?? NOTHING_SET_UP);
    if (unavailable !== undefined)
      return { kind: 'say', intent: route.intent, text: unavailable, awaiting: false };
    if (route.intent === 'calculator') {
      const fill = this.options.fill?.(conversationId);
      const dialogue = new CalculatorDialogue(fill ? { fill } : {});
      const step = await dialogue.start(text, said, route.calculatorId, signal);
      if (step.kind !== 'none') return this.calcStep(conversationId, dialogue, step);
    }
    const clarification = detectBroad(text, await this.options.search(text, signal));
    if (clarification) {
      this.pending.set(conversationId, { kind: 'clarify', original: text, clarification });
      return {
        kind: 'say',
        intent: 'knowledge',
        text: clarification.question,
        options: clarification.options.map((o) => o.label),
        awaiting: true,
      };
    }
    return { kind: 'answer', question: text };
  }

  private calendarStep(
    conversationId: string,
    calendar: CalendarTurn,
    reply: CalendarReply,
  ): FrontStep {
    const awaiting = reply.pending !== undefined || reply.awaiting === true;
    if (awaiting) this.pending.set(conversationId, { kind: 'calendar', calendar });
    return {
      kind: 'say',
      intent: 'calendar',
      text: reply.spoken ?? reply.speech,
      ...(awaiting ? { options: reply.options ?? ['Yes', 'No'] } : {}),
      awaiting,
    };
  }

  private calcStep(
    conversationId: string,
    dialogue: CalculatorDialogue,
    step: Awaited<ReturnType<CalculatorDialogue['start']>>,
  ): FrontStep {
    if (step.kind === 'none')
      return { kind: 'say', intent: 'calculator', text: 'Which calculator?', awaiting: false };
    if (dialogue.open) this.pending.set(conversationId, { kind: 'calc', dialogue });
    return {
      kind: 'say',
      intent: 'calculator',
      text: step.text,
      ...(step.kind === 'ask' && step.options ? { options: step.options } : {}),
      awaiting: dialogue.open,
    };
  }
}
