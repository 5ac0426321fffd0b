import * as chrono from 'chrono-node';
import { DateTime } from 'luxon';
import { CodedError } from '../../shared/errors.js';
import type { EventInstance } from './ics.js';
import type { CalendarService, PreparedEvent, WrittenEvent } from './service.js';
import { confirmationText } from './service.js';

/** What a transcript asks of the calendar, if anything. */
export type CalendarIntent =
  { kind: 'add'; text: string } | { kind: 'next' } | { kind: 'free'; text: string };

const ADD =
  /^\s*(?:please\s+|can you\s+|could you\s+)?(?:add|schedule|book|create|put|set\s+up)\b/i;
const NEXT = /\bwhat(?:'s|\s+is)\s+next\b|\bmy\s+next\s+(?:meeting|appointment|event)\b/i;
const FREE = /\bam\s+i\s+(?:free|available|busy)\b|\bdo\s+i\s+have\s+(?:anything|time)\b/i;

/** Calendar intents are recognised on the workstation, by pattern, before any answer is sought. */
export function detectCalendarIntent(transcript: string): CalendarIntent | undefined {
  const text = transcript.trim();
  if (NEXT.test(text)) return { kind: 'next' };
  if (FREE.test(text)) return { kind: 'free', text };
  // "add … tomorrow at 2" is an event; "add aspirin to the list" is not: a date must be said.
  if (ADD.test(text) && chrono.parse(text).length > 0) return { kind: 'add', text };
  return undefined;
}

const YES = /^\s*(?:yes|yeah|yep|sure|ok(?:ay)?|confirm|do it|go ahead|please do)\b/i;
const NO = /^\s*(?:no|nope|cancel|don't|do not|stop|never mind)\b/i;

export type VoiceReply = Readonly<{
  /** One or two sentences, shown and spoken. */
  speech: string;
  /** The same read-back in words for the ear ("tomorrow from 2:00 PM to 3:00 PM"), when it differs. */
  spoken?: string;
  /** An event waiting for "yes" (the confirmation card). */
  pending?: PreparedEvent;
  written?: WrittenEvent;
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
  private pending: PreparedEvent | undefined;

  constructor(
    private readonly calendar: CalendarService,
    private readonly opts: { zone: string; now?: () => Date },
  ) {}

  private now(): DateTime {
    return DateTime.fromJSDate(this.opts.now?.() ?? new Date(), { zone: this.opts.zone });
  }

  /** The event awaiting confirmation, if any (what the confirmation card shows). */
  get awaiting(): PreparedEvent | undefined {
    return this.pending;
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
    if (pending) {
      if (YES.test(transcript)) {
        this.pending = undefined;
        const written = await this.calendar.write(pending);
        return { speech: `Added ${pending.draft.summary}.`, written };
      }
      if (NO.test(transcript)) {
        this.pending = undefined;
        return { speech: 'Okay, I did not add it.' };
      }
      this.pending = undefined; // anything else drops the unconfirmed event
    }
    const intent = detectCalendarIntent(transcript);
    if (!intent) return undefined;
    if (intent.kind === 'add') {
      const prepared = await this.calendar.prepare(intent.text);
      this.pending = prepared;
      return {
        speech: confirmationText(prepared),
        spoken: this.spokenConfirmation(prepared),
        pending: prepared,
      };
    }
    if (intent.kind === 'next') return this.next();
    return this.free(intent.text);
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
