import * as chrono from 'chrono-node';
import { DateTime, IANAZone } from 'luxon';
import { nextcloudError } from './nextcloud-client.js';

/** What "add a meeting tomorrow at 2 pm with Dr. Smith for 30 minutes" asks for. */
export type EventDraft = Readonly<{
  summary: string;
  /** ISO 8601 with the offset of `zone` at that instant (a date only when `allDay`). */
  start: string;
  end: string;
  allDay: boolean;
  /** IANA time zone the request was understood in. */
  zone: string;
  /** Names said after "with" ("Dr. Smith"); invitations need an address from the contacts. */
  attendees: readonly string[];
  minutes: number;
}>;

export type ParseOptions = Readonly<{
  /** The instant the request was made. */
  now: Date;
  /** The person's IANA time zone, e.g. "Europe/Berlin". */
  zone: string;
  /** Length when none is said (Nextcloud's own default is an hour). */
  defaultMinutes?: number;
}>;

const WORD_NUMBERS: Readonly<Record<string, number>> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  ten: 10,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  forty: 40,
  'forty-five': 45,
  ninety: 90,
};

const NUM = String.raw`(\d+(?:\.\d+)?|an?|one|two|three|four|five|six|ten|fifteen|twenty|thirty|forty(?:-five)?|ninety)`;
const UNIT = String.raw`(hours?|hrs?|h|minutes?|mins?|m)`;
/** "for 30 minutes", "for an hour and a half", "for 1 hour 15 minutes", "for half an hour". */
const DURATION = new RegExp(
  String.raw`\bfor\s+(?:(half an hour)|${NUM}\s*${UNIT}(?:\s+and\s+a\s+half)?(?:\s+(?:and\s+)?${NUM}\s*${UNIT})?)\b`,
  'i',
);

const num = (s: string | undefined): number => {
  if (s === undefined) return 0;
  const k = s.toLowerCase();
  return WORD_NUMBERS[k] ?? Number(k);
};
const toMinutes = (n: number, unit: string | undefined): number =>
  unit && /^h/i.test(unit) ? n * 60 : n;

function duration(text: string): { minutes: number; span: [number, number] } | undefined {
  const m = DURATION.exec(text);
  if (!m) return undefined;
  let minutes: number;
  if (m[1]) minutes = 30;
  else {
    minutes = toMinutes(num(m[2]), m[3]);
    if (/and\s+a\s+half/i.test(m[0])) minutes += toMinutes(0.5, m[3]);
    if (m[4]) minutes += toMinutes(num(m[4]), m[5]);
  }
  return { minutes: Math.round(minutes), span: [m.index, m.index + m[0].length] };
}

/** "with Dr. Smith and Nurse Jones" → ["Dr. Smith", "Nurse Jones"] (up to the next clause). */
function attendeesOf(rest: string): { names: string[]; span?: [number, number] } {
  const m =
    /\bwith\s+(.+?)\s*(?=$|(?<!\b(?:Dr|Mr|Mrs|Ms|Prof))[.;!?](?:\s|$)|\s(?:about|regarding|re|in|at|on|to)\s)/i.exec(
      rest,
    );
  if (!m?.[1]) return { names: [] };
  const names = m[1]
    .split(/\s*(?:,|\band\b|&)\s*/i)
    .map((n) => n.trim().replace(/[,.]+$/, (p) => (/\b(dr|mr|mrs|ms|prof)$/i.test(n) ? p : '')))
    .filter((n) => n.length > 0 && n.length <= 80);
  return { names, span: [m.index, m.index + m[0].length] };
}

const cut = (text: string, spans: readonly (readonly [number, number])[]): string => {
  let out = '';
  let at = 0;
  for (const [a, b] of [...spans].sort((x, y) => x[0] - y[0])) {
    if (a < at) continue;
    out += `${text.slice(at, a)} `;
    at = b;
  }
  return (out + text.slice(at)).replace(/\s+/g, ' ').trim();
};

/** The thing being added: "add a staff meeting to my calendar" → "Staff meeting". */
function titleOf(rest: string): string {
  const t = rest
    .replace(
      /^\s*(?:please\s+)?(?:add|create|schedule|book|put|set\s+up|make|plan)(?:\s+(?:me|in))?\s+/i,
      '',
    )
    .replace(/\b(?:to|on|in|into)\s+(?:my|the)\s+calendar\b/gi, '')
    .replace(/^\s*(?:a|an|the|my)\s+/i, '')
    .replace(/\b(?:at|on|for|from)\s*$/i, '')
    .replace(/[\s,.;!?]+$/, '')
    .trim();
  return t ? t.charAt(0).toUpperCase() + t.slice(1) : 'Meeting';
}

export function assertZone(zone: string): void {
  if (!IANAZone.isValidZone(zone)) throw nextcloudError('CALENDAR_BAD_TIME_ZONE', zone);
}

/**
 * Understands a spoken or typed "add an event" request, on the workstation (nothing is sent
 * anywhere to parse it). chrono-node reads the day and time as wall-clock components of the
 * person's zone; luxon turns them into an instant with that zone's rules for that day, so an
 * event on the far side of a DST change keeps the local time that was said.
 */
export function parseEventRequest(text: string, opts: ParseOptions): EventDraft {
  assertZone(opts.zone);
  const local = DateTime.fromJSDate(opts.now, { zone: opts.zone });
  // chrono computes relative days from this reference, read in UTC: the person's wall clock.
  const reference = new Date(
    Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second),
  );
  const dur = duration(text);
  const withoutDuration = dur ? cut(text, [dur.span]) : text;
  const [hit] = chrono.parse(
    withoutDuration,
    { instant: reference, timezone: 0 },
    {
      forwardDate: true,
    },
  );
  if (!hit) throw nextcloudError('CALENDAR_NO_TIME');
  const rest = cut(withoutDuration, [[hit.index, hit.index + hit.text.length]]);
  const who = attendeesOf(rest);
  const title = titleOf(who.span ? cut(rest, [who.span]) : rest);
  const summary = who.names.length ? `${title} with ${who.names.join(' and ')}` : title;

  const s = hit.start;
  const allDay = !s.isCertain('hour');
  const day = { year: s.get('year') ?? 0, month: s.get('month') ?? 0, day: s.get('day') ?? 0 };
  if (allDay) {
    const start = DateTime.fromObject(day, { zone: opts.zone });
    const end = start.plus({ days: 1 });
    return {
      summary,
      start: start.toISODate() ?? '',
      end: end.toISODate() ?? '',
      allDay: true,
      zone: opts.zone,
      attendees: who.names,
      minutes: 24 * 60,
    };
  }
  const start = DateTime.fromObject(
    { ...day, hour: s.get('hour') ?? 0, minute: s.get('minute') ?? 0 },
    { zone: opts.zone },
  );
  let end: DateTime;
  if (hit.end?.isCertain('hour')) {
    const e = hit.end;
    end = DateTime.fromObject(
      {
        year: e.get('year') ?? day.year,
        month: e.get('month') ?? day.month,
        day: e.get('day') ?? day.day,
        hour: e.get('hour') ?? 0,
        minute: e.get('minute') ?? 0,
      },
      { zone: opts.zone },
    );
  } else {
    end = start.plus({ minutes: dur?.minutes ?? opts.defaultMinutes ?? 60 });
  }
  if (end <= start) throw nextcloudError('CALENDAR_NOT_UNDERSTOOD', 'the end is before the start');
  return {
    summary,
    start: start.toISO({ suppressMilliseconds: true }) ?? '',
    end: end.toISO({ suppressMilliseconds: true }) ?? '',
    allDay: false,
    zone: opts.zone,
    attendees: who.names,
    minutes: Math.round(end.diff(start, 'minutes').minutes),
  };
}
