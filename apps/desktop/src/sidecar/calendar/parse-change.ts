import * as chrono from 'chrono-node';
import { DateTime } from 'luxon';
import { nextcloudError } from './nextcloud-client.js';
import { assertZone } from './parse.js';

/** Which event a person means: "my 3 pm", "the staff meeting", "tomorrow's case review". */
export type EventTarget = Readonly<{
  /** Words that must be in the event's title (lower case), e.g. ["staff"]; empty: any title. */
  words: readonly string[];
  /** The day the event is on (YYYY-MM-DD in the person's zone), when one was said. */
  day: string | null;
  /** Its local start time ("15:00"), when one was said. */
  time: string | null;
}>;

/** "move my 3 pm to Friday": which event, and the new day and/or time (unsaid parts are kept). */
export type MoveRequest = Readonly<{
  target: EventTarget;
  day: string | null;
  time: string | null;
}>;

export type CancelRequest = Readonly<{ target: EventTarget }>;

type Opts = Readonly<{ now: Date; zone: string }>;

const LEAD = String.raw`^\s*(?:please\s+|can you\s+|could you\s+)?`;
const MOVE = new RegExp(`${LEAD}(?:move|reschedule|push|shift|postpone|bring\\s+forward)\\s+`, 'i');
const CANCEL = new RegExp(`${LEAD}(?:cancel|delete|remove|call\\s+off|drop)\\s+`, 'i');
/** Words that say nothing about which event: ignored when matching titles. */
const FILLER = new Set(
  'my the a an this that our on at for of in with from to today tomorrow meeting appointment event call slot one s'.split(
    ' ',
  ),
);
/** A bare hour: "to 4", "to 4:30". */
const BARE_TIME = /^(\d{1,2})(?::(\d{2}))?$/;

const hhmm = (h: number, m: number) =>
  `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;

/**
 * A clinic's day: an hour said without am/pm from 1 to 6 is the afternoon ("my 3 o'clock",
 * "move it to 4"); 7 to 12 as said.
 */
const clinicHour = (h: number, meridiemSaid: boolean) =>
  !meridiemSaid && h >= 1 && h <= 6 ? h + 12 : h;

function reference(opts: Opts): Date {
  const local = DateTime.fromJSDate(opts.now, { zone: opts.zone });
  // chrono reads this in UTC: the person's wall clock (as parse.ts does).
  return new Date(
    Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second),
  );
}

type When = { day: string | null; time: string | null; span: [number, number] | null };

function when(text: string, opts: Opts): When {
  const bare = BARE_TIME.exec(text.trim());
  if (bare) {
    const h = clinicHour(Number(bare[1]), false);
    const m = Number(bare[2] ?? 0);
    if (h <= 23 && m <= 59) return { day: null, time: hhmm(h, m), span: [0, text.length] };
  }
  const [hit] = chrono.parse(
    text,
    { instant: reference(opts), timezone: 0 },
    { forwardDate: true },
  );
  if (!hit) return { day: null, time: null, span: null };
  const s = hit.start;
  const daySaid = s.isCertain('day') || s.isCertain('weekday');
  const day = daySaid
    ? DateTime.fromObject(
        { year: s.get('year') ?? 0, month: s.get('month') ?? 0, day: s.get('day') ?? 0 },
        { zone: opts.zone },
      ).toISODate()
    : null;
  const time = s.isCertain('hour')
    ? hhmm(clinicHour(s.get('hour') ?? 0, s.isCertain('meridiem')), s.get('minute') ?? 0)
    : null;
  return { day, time, span: [hit.index, hit.index + hit.text.length] };
}

function targetOf(phrase: string, opts: Opts): EventTarget {
  const w = when(phrase, opts);
  const rest = w.span ? phrase.slice(0, w.span[0]) + ' ' + phrase.slice(w.span[1]) : phrase;
  const words = rest
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((x) => x.length > 0 && !FILLER.has(x));
  if (words.length === 0 && w.day === null && w.time === null) {
    throw nextcloudError('CALENDAR_NO_TARGET');
  }
  return { words, day: w.day, time: w.time };
}

/**
 * "move my 3 pm to Friday", "reschedule the staff meeting to tomorrow at 10", "push my 9:30 to
 * 11": the event (by time, day and/or title words) and where it goes. Undefined when the text is
 * not a move. The destination is the last "to …" that says a day or a time, so a title with "to"
 * in it ("the meeting to plan rotas") stays in the target.
 */
export function parseMoveRequest(text: string, opts: Opts): MoveRequest | undefined {
  assertZone(opts.zone);
  const lead = MOVE.exec(text);
  if (!lead) return undefined;
  const body = text.slice(lead[0].length).replace(/[\s.?!]+$/, '');
  const cuts = [...body.matchAll(/\s(?:to|until|till)\s/gi)].reverse();
  for (const c of cuts) {
    const dest = body.slice(c.index + c[0].length);
    const w = when(dest, opts);
    if (!w.span || (w.day === null && w.time === null)) continue;
    return { target: targetOf(body.slice(0, c.index), opts), day: w.day, time: w.time };
  }
  throw nextcloudError('CALENDAR_NO_TIME');
}

/** "cancel the staff meeting", "delete my 3 pm tomorrow": the event. Undefined when not a cancel. */
export function parseCancelRequest(text: string, opts: Opts): CancelRequest | undefined {
  assertZone(opts.zone);
  const lead = CANCEL.exec(text);
  if (!lead) return undefined;
  const body = text.slice(lead[0].length).replace(/[\s.?!]+$/, '');
  return { target: targetOf(body, opts) };
}
