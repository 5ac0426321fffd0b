import ICAL from 'ical.js';
import { nextcloudError } from './nextcloud-client.js';

/** The occurrence being changed: its event's UID and, for a repeating event, its original start. */
export type OccurrenceRef = Readonly<{
  uid: string;
  /** ISO 8601 (or a date for all-day events), as EventInstance.recurrenceId; null: not repeating. */
  recurrenceId: string | null;
}>;

/** New times: ISO 8601 instants, or dates (YYYY-MM-DD, end exclusive) for all-day events. */
export type NewTimes = Readonly<{ start: string; end: string; allDay: boolean }>;

const MAX_WALK = 50_000;

function parse(ics: string): ICAL.Component {
  try {
    return new ICAL.Component(ICAL.parse(ics) as unknown[]);
  } catch (e) {
    throw Object.assign(nextcloudError('CALENDAR_BAD_OBJECT'), { cause: e });
  }
}

const vevents = (root: ICAL.Component) => root.getAllSubcomponents('vevent');
const uidOf = (v: ICAL.Component) => String(v.getFirstPropertyValue('uid') ?? '');

function masterOf(root: ICAL.Component, uid: string): ICAL.Component | undefined {
  return vevents(root).find((v) => uidOf(v) === uid && !v.hasProperty('recurrence-id'));
}

/** Same instant (timed) or same date (all-day) as the ISO text the person saw. */
function sameOccurrence(t: ICAL.Time, iso: string): boolean {
  if (t.isDate) return t.toString() === iso.slice(0, 10);
  return t.toUnixTime() * 1000 === Date.parse(iso);
}

/**
 * The occurrence's original start as the master writes it (same TZID or date type): RECURRENCE-ID
 * and EXDATE must match the rule's own values for servers and other clients to pair them.
 */
function occurrenceTime(master: ICAL.Component, recurrenceId: string): ICAL.Time {
  const it = new ICAL.Event(master).iterator();
  for (let i = 0; i < MAX_WALK; i++) {
    const next = it.next() as ICAL.Time | null | undefined;
    if (!next) break;
    if (sameOccurrence(next, recurrenceId)) return next;
    if (!next.isDate && next.toUnixTime() * 1000 > Date.parse(recurrenceId)) break;
  }
  throw nextcloudError('CALENDAR_EVENT_NOT_FOUND');
}

function overrideOf(root: ICAL.Component, uid: string, at: ICAL.Time): ICAL.Component | undefined {
  return vevents(root).find((v) => {
    if (uidOf(v) !== uid || !v.hasProperty('recurrence-id')) return false;
    const rid = v.getFirstPropertyValue('recurrence-id') as ICAL.Time;
    return rid.compare(at) === 0;
  });
}

/** Adds a RECURRENCE-ID or EXDATE written as the master's DTSTART is (with its TZID, if any). */
function addLike(master: ICAL.Component, to: ICAL.Component, name: string, at: ICAL.Time): void {
  const p = to.addPropertyWithValue(name, at);
  const tzid = master.getFirstProperty('dtstart')?.getParameter('tzid');
  if (typeof tzid === 'string' && !at.isDate) p.setParameter('tzid', tzid);
}

const timeOf = (iso: string, allDay: boolean) =>
  allDay ? ICAL.Time.fromDateString(iso.slice(0, 10)) : ICAL.Time.fromJSDate(new Date(iso), true);

/** New DTSTART/DTEND, a higher SEQUENCE (attendees' clients take the update) and a new DTSTAMP. */
function retime(v: ICAL.Component, times: NewTimes, now: Date): void {
  for (const p of ['dtstart', 'dtend', 'duration']) v.removeAllProperties(p);
  v.addPropertyWithValue('dtstart', timeOf(times.start, times.allDay));
  v.addPropertyWithValue('dtend', timeOf(times.end, times.allDay));
  bump(v, now);
}

function bump(v: ICAL.Component, now: Date): void {
  const seq = Number(v.getFirstPropertyValue('sequence') ?? 0);
  v.updatePropertyWithValue('sequence', Number.isFinite(seq) ? seq + 1 : 1);
  v.updatePropertyWithValue('dtstamp', ICAL.Time.fromJSDate(now, true));
  v.updatePropertyWithValue('last-modified', ICAL.Time.fromJSDate(now, true));
}

const text = (root: ICAL.Component) => `${root.toString()}\r\n`;

/**
 * Moves one event, or one occurrence of a repeating one (a RECURRENCE-ID override is added, or
 * the existing one changed), keeping everything else in the object (attendees, alarms, other
 * overrides). Returns the new object text.
 */
export function moveInObject(ics: string, ref: OccurrenceRef, times: NewTimes, now: Date): string {
  const root = parse(ics);
  if (ref.recurrenceId === null) {
    const master = masterOf(root, ref.uid);
    if (!master) throw nextcloudError('CALENDAR_EVENT_NOT_FOUND');
    retime(master, times, now);
    return text(root);
  }
  const master = masterOf(root, ref.uid);
  if (!master) {
    // An object holding only an override (no master here): it is changed in place.
    const lone = vevents(root).find(
      (v) =>
        uidOf(v) === ref.uid &&
        sameOccurrence(
          v.getFirstPropertyValue('recurrence-id') as ICAL.Time,
          ref.recurrenceId ?? '',
        ),
    );
    if (!lone) throw nextcloudError('CALENDAR_EVENT_NOT_FOUND');
    retime(lone, times, now);
    return text(root);
  }
  const at = occurrenceTime(master, ref.recurrenceId);
  let o = overrideOf(root, ref.uid, at);
  if (!o) {
    o = new ICAL.Component(ICAL.parse(master.toString()) as unknown[]);
    for (const p of ['rrule', 'rdate', 'exdate', 'exrule']) o.removeAllProperties(p);
    addLike(master, o, 'recurrence-id', at);
    root.addSubcomponent(o);
  }
  retime(o, times, now);
  return text(root);
}

/**
 * Cancels one occurrence of a repeating event: an EXDATE on the rule (and its override, if it had
 * one, removed). Returns the new object text. A single event is cancelled by deleting its object.
 */
export function cancelOccurrence(ics: string, ref: OccurrenceRef, now: Date): string {
  if (ref.recurrenceId === null) throw new Error('a single event is deleted, not excluded');
  const root = parse(ics);
  const master = masterOf(root, ref.uid);
  if (!master) throw nextcloudError('CALENDAR_EVENT_NOT_FOUND');
  const at = occurrenceTime(master, ref.recurrenceId);
  const o = overrideOf(root, ref.uid, at);
  if (o) root.removeSubcomponent(o);
  addLike(master, master, 'exdate', at);
  bump(master, now);
  return text(root);
}

/** Whether the object is one non-repeating event (deleting it cancels just that). */
export function isSingleEvent(ics: string, uid: string): boolean {
  const root = parse(ics);
  const mine = vevents(root).filter((v) => uidOf(v) === uid);
  const master = mine.find((v) => !v.hasProperty('recurrence-id'));
  return mine.length === 1 && master !== undefined && !new ICAL.Event(master).isRecurring();
}
