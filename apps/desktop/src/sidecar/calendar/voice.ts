import * as chrono from 'chrono-node';
import { DateTime } from 'luxon';
import { CodedError } from '../../shared/errors.js';
import { changeText, choiceText, spokenWhen } from './edits.js';
import type { ChangeOutcome, FindOutcome, FoundEvent, PreparedChange } from './edits.js';
import type { EventInstance } from './ics.js';
import type { CalendarService, PreparedEvent, SelectOutcome, WrittenEvent } from './service.js';
import { confirmationText } from './service.js';

/** What a transcript asks of the calendar, if anything. */
export type CalendarIntent =
  | { kind: 'add'; text: string }
  | { kind: 'next' }
  | { kind: 'free'; text: string }
  | { kind: 'change'; text: string };

const ADD =
  /^\s*(?:please\s+|can you\s+|could you\s+)?(?:add|schedule|book|create|put|set\s+up)\b/i;
const NEXT = /\bwhat(?:'s|\s+is)\s+next\b|\bmy\s+next\s+(?:meeting|appointment|event)\b/i;
const FREE = /\bam\s+i\s+(?:free|available|busy)\b|\bdo\s+i\s+have\s+(?:anything|time)\b/i;
/** "move my 3 pm to Friday", "cancel the staff meeting": the service's parser reads the rest. */
const CHANGE = /^\s*(?:please\s+|can you\s+|could you\s+)?(?:move|reschedule|push|shift|cancel)\b/i;

/** Calendar intents are recognised on the workstation, by pattern, before any answer is sought. */
export function detectCalendarIntent(transcript: string): CalendarIntent | undefined {
  const text = transcript.trim();
  if (NEXT.test(text)) return { kind: 'next' };
  if (FREE.test(text)) return { kind: 'free', text };
  if (CHANGE.test(text)) return { kind: 'change', text };
  // "add … tomorrow at 2" is an event; "add aspirin to the list" is not: a date must be said.
  if (ADD.test(text) && chrono.parse(text).length > 0) return { kind: 'add', text };
  return undefined;
}

const YES = /^\s*(?:yes|yeah|yep|sure|ok(?:ay)?|confirm|do it|go ahead|please do)\b/i;
const NO = /^\s*(?:no|nope|cancel|don't|do not|stop|never mind)\b/i;
/** "the second one", "2nd", "number two"; a bare "one" only when said alone ("the second one" is 2). */
const ORDINALS: readonly RegExp[] = [
  ['first', '1st', 'one', '1'],
  ['second', '2nd', 'two', '2'],
  ['third', '3rd', 'three', '3'],
  ['fourth', '4th', 'four', '4'],
].map(
  ([word, short, alone, digit]) =>
    new RegExp(
      `\\b(?:${word}|${short})\\b|^\\s*(?:the\\s+)?(?:number\\s+)?(?:${alone}|${digit})\\s*[.!]?\\s*$`,
      'i',
    ),
);

/** What is waiting for the person's answer: an event to add, a change to confirm, or a choice. */
type Awaiting =
  | { kind: 'add'; event: PreparedEvent }
  | { kind: 'change'; change: PreparedChange }
  | { kind: 'choose'; text: string; candidates: readonly FoundEvent[] };

export type VoiceReply = Readonly<{
  /** One or two sentences, shown and spoken. */
  speech: string;
  /** The same read-back in words for the ear ("tomorrow from 2:00 PM to 3:00 PM"), when it differs. */
  spoken?: string;
  /** An event waiting for "yes" (the confirmation card). */
  pending?: PreparedEvent;
  written?: WrittenEvent;
  /** A move or cancel waiting for "yes", or what became of it. */
  change?: PreparedChange;
  outcome?: ChangeOutcome;
  /** Waiting for "yes" to a change or for a choice; `options` are the replies to offer. */
  awaiting?: boolean;
  options?: readonly string[];
  /** Set when the reply reports a failure (the code's message is the speech). */
  code?: string;
  events?: readonly EventInstance[];
}>;

const PERIODS: Readonly<Record<string, [number, number]>> = {
  morning: [8, 12],
  afternoon: [12, 17],
  evening: [17, 21],
};

/**
 * The calendar by voice: "add a meeting tomorrow at 2 pm with Dr. Smith" is understood, read
 * back and held until the person says yes (nothing is written before); "what's next today?" and
 * "am I free Thursday afternoon?" are answered from the calendar. Failures are spoken with their
 * coded message ("Nextcloud could not be reached…").
 */
export class CalendarVoice {
  private pending: Awaiting | undefined;

  constructor(
    private readonly calendar: CalendarService,
    private readonly opts: { zone: string; now?: () => Date },
  ) {}

  private now(): DateTime {
    return DateTime.fromJSDate(this.opts.now?.() ?? new Date(), { zone: this.opts.zone });
  }

  /** The event awaiting confirmation, if any (what the confirmation card shows). */
  get awaiting(): PreparedEvent | undefined {
    return this.pending?.kind === 'add' ? this.pending.event : undefined;
  }

  /** Undefined when the transcript is not for the calendar (the assistant answers it instead). */
  async handle(transcript: string): Promise<VoiceReply | undefined> {
    try {
      return await this.route(transcript);
    } catch (e) {
      if (e instanceof CodedError) return { speech: e.message, code: (e as CodedError).code };
      throw e;
    }
  }

  private async route(transcript: string): Promise<VoiceReply | undefined> {
    const pending = this.pending;
    this.pending = undefined; // any answer but a choice's ends the dialogue (asked again if needed)
    if (pending?.kind === 'choose') {
      const i = ORDINALS.findIndex((r) => r.test(transcript));
      const chosen = i >= 0 ? pending.candidates[i] : undefined;
      if (chosen) return this.chosen(pending.text, chosen);
      if (NO.test(transcript) && !detectCalendarIntent(transcript))
        return { speech: 'Okay, I changed nothing.' };
    } else if (pending && YES.test(transcript)) {
      if (pending.kind === 'add') {
        const written = await this.calendar.write(pending.event);
        return { speech: `Added ${pending.event.draft.summary}.`, written };
      }
      return this.applied(pending.change);
    } else if (pending && NO.test(transcript) && !detectCalendarIntent(transcript)) {
      return {
        speech: pending.kind === 'add' ? 'Okay, I did not add it.' : 'Okay, I changed nothing.',
      };
    }
    const intent = detectCalendarIntent(transcript);
    if (!intent) return undefined;
    if (intent.kind === 'add') {
      const prepared = await this.calendar.prepare(intent.text);
      this.pending = { kind: 'add', event: prepared };
      return {
        speech: confirmationText(prepared),
        spoken: this.spokenConfirmation(prepared),
        pending: prepared,
      };
    }
    if (intent.kind === 'change') return this.change(intent.text);
    if (intent.kind === 'next') return this.next();
    return this.free(intent.text);
  }

  /** "move my 3 pm to Friday" / "cancel the staff meeting": read back (or a choice), never written yet. */
  private async change(text: string): Promise<VoiceReply | undefined> {
    const found: FindOutcome | undefined =
      (await this.calendar.prepareMove(text)) ?? (await this.calendar.prepareCancel(text));
    if (!found) return undefined; // not a change the parser reads: the front says what it can do
    if (found.status === 'ambiguous') {
      const candidates = found.candidates.slice(0, 4);
      this.pending = { kind: 'choose', text, candidates };
      const nth = ['First', 'Second', 'Third', 'Fourth'];
      return {
        speech: choiceText(candidates, this.opts.zone),
        awaiting: true,
        options: candidates.map(
          (c, i) =>
            `${nth[i] ?? ''}: ${c.instance.summary}, ${spokenWhen(c.instance.start, c.instance.allDay, this.opts.zone)}`,
        ),
      };
    }
    return this.readBack(found.change);
  }

  /** The chosen one of several matching events, prepared again from Nextcloud as it is now. */
  private async chosen(text: string, e: FoundEvent): Promise<VoiceReply> {
    const sel = {
      calendar: e.calendar,
      name: e.name,
      uid: e.instance.uid,
      recurrenceId: e.instance.recurrenceId,
      etag: e.etag,
    };
    const to = this.calendar.moveTimesFor(text, e);
    const out: SelectOutcome = to
      ? await this.calendar.prepareMoveOf(sel, to)
      : await this.calendar.prepareCancelOf(sel);
    if (out.status === 'changed') return this.changedMeanwhile(out.latest);
    return this.readBack(out.change);
  }

  private readBack(change: PreparedChange): VoiceReply {
    this.pending = { kind: 'change', change };
    return { speech: changeText(change, this.opts.zone), change, awaiting: true };
  }

  private async applied(change: PreparedChange): Promise<VoiceReply> {
    const outcome = await this.calendar.apply(change);
    const what = change.event.instance.summary;
    if (outcome.status === 'written')
      return {
        speech: change.kind === 'cancel' ? `Cancelled ${what}.` : `Moved ${what}.`,
        outcome,
      };
    if (outcome.status === 'queued')
      return {
        speech: `Nextcloud cannot be reached; the change to ${what} will be written when it can.`,
        outcome,
      };
    return { ...this.changedMeanwhile(outcome.latest), outcome };
  }

  /** 412: the event changed in Nextcloud since it was read; nothing was written. */
  private changedMeanwhile(latest: FoundEvent | null): VoiceReply {
    if (!latest)
      return { speech: 'That event was removed in Nextcloud meanwhile; nothing was changed.' };
    const i = latest.instance;
    return {
      speech: `"${i.summary}" was changed in Nextcloud meanwhile (now ${spokenWhen(i.start, i.allDay, this.opts.zone)}); nothing was changed. Ask again if you still want to.`,
    };
  }

  /** The confirmation as it is said: days and times in words, in the person's zone. */
  private spokenConfirmation(p: PreparedEvent): string {
    const d = p.draft;
    const start = DateTime.fromISO(d.start, { zone: this.opts.zone });
    const today = this.now().startOf('day');
    const days = Math.round(start.startOf('day').diff(today, 'days').days);
    const day =
      days === 0 ? 'today' : days === 1 ? 'tomorrow' : `on ${start.toFormat('cccc d LLLL')}`;
    const when = d.allDay
      ? `${day}, all day`
      : `${day} from ${this.spokenTime(d.start)} to ${this.spokenTime(d.end)}`;
    const parts = [`Add ${d.summary} ${when}, to ${p.calendar.displayName}`];
    if (p.invited.length) parts.push(`inviting ${p.invited.map((c) => c.name).join(' and ')}`);
    if (p.unresolved.length)
      parts.push(`I have no address for ${p.unresolved.join(' and ')}, so no invitation`);
    if (p.conflicts.length)
      parts.push(
        `it overlaps ${p.conflicts.length === 1 ? (p.conflicts[0]?.summary ?? 'an event') : `${p.conflicts.length} events`}`,
      );
    return `${parts.join('; ')}?`;
  }

  private spokenTime(iso: string): string {
    return DateTime.fromISO(iso, { zone: this.opts.zone }).toFormat('h:mm a');
  }

  private async next(): Promise<VoiceReply> {
    const now = this.now();
    const events = await this.calendar.list(now.toJSDate(), now.endOf('day').toJSDate());
    const upcoming = events.filter((e) => !e.allDay && Date.parse(e.start) >= now.toMillis());
    const first = upcoming[0];
    if (!first) return { speech: 'Nothing else on your calendar today.', events: [] };
    return {
      speech: `Next: ${first.summary} at ${this.spokenTime(first.start)}.`,
      events: upcoming,
    };
  }

  private async free(text: string): Promise<VoiceReply> {
    const now = this.now();
    const reference = new Date(
      Date.UTC(now.year, now.month - 1, now.day, now.hour, now.minute, now.second),
    );
    const [hit] = chrono.parse(text, { instant: reference, timezone: 0 }, { forwardDate: true });
    const base = hit
      ? DateTime.fromObject(
          {
            year: hit.start.get('year') ?? now.year,
            month: hit.start.get('month') ?? now.month,
            day: hit.start.get('day') ?? now.day,
          },
          { zone: this.opts.zone },
        )
      : now.startOf('day');
    const period = Object.keys(PERIODS).find((p) => new RegExp(`\\b${p}\\b`, 'i').test(text));
    let from: DateTime;
    let to: DateTime;
    if (period) {
      const [a, b] = PERIODS[period] ?? [0, 24];
      from = base.set({ hour: a });
      to = base.set({ hour: b });
    } else if (hit?.start.isCertain('hour')) {
      from = base.set({ hour: hit.start.get('hour') ?? 0, minute: hit.start.get('minute') ?? 0 });
      to = from.plus({ hours: 1 });
    } else {
      from = base;
      to = base.plus({ days: 1 });
    }
    const events = await this.calendar.list(from.toJSDate(), to.toJSDate());
    const when = hit ? hit.text : 'then';
    if (events.length === 0) return { speech: `Yes, you are free ${when}.`, events };
    const first = events[0];
    const what =
      events.length === 1 && first
        ? `${first.summary}${first.allDay ? ' (all day)' : ` at ${this.spokenTime(first.start)}`}`
        : `${events.length} events`;
    return { speech: `No, you have ${what} ${when}.`, events };
  }
}
