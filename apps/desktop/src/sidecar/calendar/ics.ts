import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { nextcloudError } from './nextcloud-client.js';
import type { EventDraft } from './parse.js';

/** One occurrence of an event, as `voiceassist calendar list --json` prints it. */
export type EventInstance = Readonly<{
  uid: string;
  summary: string;
  /** ISO 8601 with the offset in the person's zone; a date (YYYY-MM-DD) when all-day. */
  start: string;
  end: string;
  allDay: boolean;
  /** The occurrence's RECURRENCE-ID (its original start, same format); null if not recurring. */
  recurrenceId: string | null;
}>;

/** Longest expansion of one recurring event (a rule without end, a range of years). */
const MAX_OCCURRENCES = 50_000;
const OVERRIDE_REACH_MS = 7 * 86_400_000;

const iso = (d: DateTime) => d.toISO({ suppressMilliseconds: true }) ?? '';

/**
 * An ical.js time as a luxon instant in `zone`: UTC and TZID times are absolute; floating times
 * and dates are the person's wall clock.
 */
function toDateTime(t: ICAL.Time, zone: string): DateTime {
  if (t.isDate) return DateTime.fromObject({ year: t.year, month: t.month, day: t.day }, { zone });
  if (t.zone === ICAL.Timezone.localTimezone) {
    return DateTime.fromObject(
      {
        year: t.year,
        month: t.month,
        day: t.day,
        hour: t.hour,
        minute: t.minute,
        second: t.second,
      },
      { zone },
    );
  }
  return DateTime.fromMillis(t.toUnixTime() * 1000, { zone });
}

const show = (d: DateTime, allDay: boolean) => (allDay ? (d.toISODate() ?? '') : iso(d));

/** ical.js resolves TZIDs through one registry: each object's VTIMEZONEs are added to it. */
function registerZones(root: ICAL.Component): void {
  for (const vtz of root.getAllSubcomponents('vtimezone')) {
    const tzid = vtz.getFirstPropertyValue('tzid');
    if (typeof tzid === 'string' && !ICAL.TimezoneService.has(tzid)) {
      ICAL.TimezoneService.register(vtz);
    }
  }
}

function parseCalendar(ics: string): ICAL.Component {
  try {
    const root = new ICAL.Component(ICAL.parse(ics) as unknown[]);
    if (root.name !== 'vcalendar') throw new Error('not a VCALENDAR');
    return root;
  } catch (e) {
    throw Object.assign(nextcloudError('CALENDAR_BAD_OBJECT'), { cause: e });
  }
}

/**
 * Every occurrence of the events in one iCalendar object that overlaps [from, to): RRULE/RDATE
 * expanded by ical.js, EXDATEs left out, RECURRENCE-ID overrides replacing the occurrence they
 * name (moved, retitled or shortened), all-day events as dates. Sorted by start.
 */
export function expandObject(ics: string, from: Date, to: Date, zone: string): EventInstance[] {
  const root = parseCalendar(ics);
  registerZones(root);
  const vevents = root.getAllSubcomponents('vevent');
  const overrides = vevents.filter((v) => v.hasProperty('recurrence-id'));
  const masters = vevents.filter((v) => !v.hasProperty('recurrence-id'));
  const out: EventInstance[] = [];
  const fromMs = from.getTime();
  const toMs = to.getTime();
  const push = (
    uid: string,
    summary: string,
    s: ICAL.Time,
    e: ICAL.Time,
    rid: ICAL.Time | null,
  ) => {
    const allDay = s.isDate;
    const start = toDateTime(s, zone);
    const end = toDateTime(e, zone);
    const endMs = end > start ? end.toMillis() : start.toMillis() + 1;
    if (!(start.toMillis() < toMs && endMs > fromMs)) return;
    out.push({
      uid,
      summary,
      start: show(start, allDay),
      end: show(end, allDay),
      allDay,
      recurrenceId: rid ? show(toDateTime(rid, zone), rid.isDate) : null,
    });
  };

  for (const master of masters) {
    const uid = String(master.getFirstPropertyValue('uid') ?? '');
    const event = new ICAL.Event(master);
    if (!event.isRecurring()) {
      push(uid, event.summary, event.startDate, event.endDate, null);
      continue;
    }
    // RECURRENCE-ID overrides by the instant of the occurrence they replace.
    const replaced = new Map<number, ICAL.Event>();
    for (const o of overrides) {
      if (o.getFirstPropertyValue('uid') !== uid) continue;
      const e = new ICAL.Event(o);
      replaced.set(e.recurrenceId.toUnixTime(), e);
    }
    const it = event.iterator();
    for (let i = 0; i < MAX_OCCURRENCES; i++) {
      // Typed as Time, but empty once the rule ends (ical.js's own documentation says so).
      const next = it.next() as ICAL.Time | null | undefined;
      if (!next) break;
      // Occurrences come in order of their original start; an override may move one up to a
      // week earlier into the range, so the walk stops a week past its end.
      if (toDateTime(next, zone).toMillis() >= toMs + OVERRIDE_REACH_MS) break;
      const o = replaced.get(next.toUnixTime());
      if (o) {
        push(uid, o.summary, o.startDate, o.endDate, next);
        continue;
      }
      const end = next.clone();
      end.addDuration(event.duration);
      push(uid, event.summary, next, end, next);
    }
  }
  // Overrides whose master is not in this object (a server that splits them): as they are.
  const masterUids = new Set(masters.map((m) => m.getFirstPropertyValue('uid')));
  for (const o of overrides) {
    if (masterUids.has(o.getFirstPropertyValue('uid'))) continue;
    const e = new ICAL.Event(o);
    push(e.uid, e.summary, e.startDate, e.endDate, e.recurrenceId);
  }
  return out.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
}

export type Contact = Readonly<{ name: string; email: string }>;

/**
 * The iCalendar object for a confirmed draft: times in UTC (exact, whatever the zone), attendees
 * as ATTENDEE properties so Nextcloud sends the invitations, the organizer when known.
 */
export function draftToIcs(
  draft: EventDraft,
  opts: Readonly<{
    uid: string;
    now: Date;
    attendees: readonly Contact[];
    organizer?: Contact | undefined;
  }>,
): string {
  const cal = new ICAL.Component(['vcalendar', [], []]);
  cal.addPropertyWithValue('prodid', '-//VoiceAssist//Calendar//EN');
  cal.addPropertyWithValue('version', '2.0');
  const ev = new ICAL.Component('vevent');
  ev.addPropertyWithValue('uid', opts.uid);
  ev.addPropertyWithValue('dtstamp', ICAL.Time.fromJSDate(opts.now, true));
  if (draft.allDay) {
    ev.addPropertyWithValue('dtstart', ICAL.Time.fromDateString(draft.start));
    ev.addPropertyWithValue('dtend', ICAL.Time.fromDateString(draft.end));
  } else {
    ev.addPropertyWithValue('dtstart', ICAL.Time.fromJSDate(new Date(draft.start), true));
    ev.addPropertyWithValue('dtend', ICAL.Time.fromJSDate(new Date(draft.end), true));
  }
  ev.addPropertyWithValue('summary', draft.summary);
  if (opts.organizer && opts.attendees.length) {
    const p = ev.addPropertyWithValue('organizer', `mailto:${opts.organizer.email}`);
    p.setParameter('cn', opts.organizer.name);
  }
  for (const a of opts.attendees) {
    const p = ev.addPropertyWithValue('attendee', `mailto:${a.email}`);
    p.setParameter('cn', a.name);
    p.setParameter('role', 'REQ-PARTICIPANT');
    p.setParameter('partstat', 'NEEDS-ACTION');
    p.setParameter('rsvp', 'TRUE');
  }
  cal.addSubcomponent(ev);
  return `${cal.toString()}\r\n`;
}
