import { DateTime } from 'luxon';
import { CodedError } from '../../shared/errors.js';
import type { EventInstance } from './ics.js';
import type { NewTimes } from './ics-edit.js';
import type { EventTarget, MoveRequest } from './parse-change.js';

/** An occurrence together with where its object lives in Nextcloud (what a change needs). */
export type FoundEvent = Readonly<{
  instance: EventInstance;
  calendar: string;
  calendarName: string;
  readOnly: boolean;
  /** The object's resource name and the ETag it was read at. */
  name: string;
  etag: string | null;
  ics: string;
}>;

/** A move or cancel understood and ready to be confirmed: nothing is written yet. */
export type PreparedChange = Readonly<{
  kind: 'move' | 'cancel';
  event: FoundEvent;
  /** The new times of a move; null for a cancel. */
  to: NewTimes | null;
  /** Only this occurrence of a repeating event changes (the rest of the series stays). */
  occurrence: boolean;
  /** The object as it will be written; null when the object is deleted. */
  ics: string | null;
  /** What already overlaps the new time (a move). */
  conflicts: readonly EventInstance[];
}>;

/** What became of a confirmed change (or add). */
export type ChangeOutcome =
  | Readonly<{ status: 'written'; calendar: string; name: string; etag: string | null }>
  /** Nextcloud or the server could not be reached: kept in the encrypted store, written later. */
  | Readonly<{ status: 'queued'; id: number }>
  /**
   * The event changed in Nextcloud since it was read (HTTP 412): nothing was written. `latest`
   * is the event as it is now (null: deleted there); show it and ask again.
   */
  | Readonly<{ status: 'changed'; latest: FoundEvent | null }>;

/** "move my 3 pm": one event found, or several the person must choose between. */
export type FindOutcome =
  | Readonly<{ status: 'ready'; change: PreparedChange }>
  | Readonly<{ status: 'ambiguous'; candidates: readonly FoundEvent[] }>;

/** Failures that mean "not now" (the change is queued), not "no". */
export const OFFLINE_CODES: ReadonlySet<string> = new Set([
  'NEXTCLOUD_UNREACHABLE',
  'SERVER_UNREACHABLE',
]);
/** The registered code of a coded failure; undefined for anything else (a bug: rethrown). */
export const codeOf = (e: unknown): string | undefined =>
  e instanceof CodedError ? (e as CodedError).code : undefined;
export const isOffline = (e: unknown): boolean => OFFLINE_CODES.has(codeOf(e) ?? '');
export const isConflict = (e: unknown): boolean => codeOf(e) === 'NEXTCLOUD_CONFLICT';

/** Where to look for the event: the day said, or the next two weeks from now. */
export function searchWindow(t: EventTarget, now: Date, zone: string): { from: Date; to: Date } {
  if (t.day) {
    const d = DateTime.fromISO(t.day, { zone });
    return { from: d.toJSDate(), to: d.plus({ days: 1 }).toJSDate() };
  }
  const n = DateTime.fromJSDate(now, { zone });
  return { from: n.toJSDate(), to: n.startOf('day').plus({ days: 14 }).toJSDate() };
}

export function matchesTarget(e: EventInstance, t: EventTarget, zone: string): boolean {
  const start = DateTime.fromISO(e.start, { zone });
  if (t.day && start.toISODate() !== t.day) return false;
  if (t.time && (e.allDay || start.toFormat('HH:mm') !== t.time)) return false;
  const title = e.summary.toLowerCase();
  return t.words.every((w) => new RegExp(`(^|[^\\p{L}\\p{N}])${w}`, 'u').test(title));
}

/**
 * The events a target names, soonest first. Without a day, a repeating event counts once (its
 * next occurrence) and a time alone means the first day that has an event then.
 */
export function pickTargets(
  found: readonly FoundEvent[],
  t: EventTarget,
  zone: string,
): FoundEvent[] {
  const hits = found
    .filter((f) => matchesTarget(f.instance, t, zone))
    .sort((a, b) => Date.parse(a.instance.start) - Date.parse(b.instance.start));
  if (t.day) return hits;
  const seen = new Set<string>();
  let out = hits.filter((f) => {
    const key = `${f.calendar}/${f.name}/${f.instance.uid}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const first = out[0];
  if (t.time && first) {
    const day = DateTime.fromISO(first.instance.start, { zone }).toISODate();
    out = out.filter((f) => DateTime.fromISO(f.instance.start, { zone }).toISODate() === day);
  }
  return out;
}

/** The new times of a move: the day and/or time said, the length kept. */
export function movedTimes(
  e: EventInstance,
  req: Pick<MoveRequest, 'day' | 'time'>,
  zone: string,
  defaultMinutes = 60,
): NewTimes {
  const start = DateTime.fromISO(e.start, { zone });
  const day = req.day ? DateTime.fromISO(req.day, { zone }) : start;
  const ymd = { year: day.year, month: day.month, day: day.day };
  if (e.allDay && req.time === null) {
    const days = Math.max(
      1,
      Math.round(DateTime.fromISO(e.end, { zone }).diff(start, 'days').days),
    );
    const s = DateTime.fromObject(ymd, { zone });
    return { start: s.toISODate() ?? '', end: s.plus({ days }).toISODate() ?? '', allDay: true };
  }
  const [h, m] = (req.time ?? start.toFormat('HH:mm')).split(':').map(Number);
  const s = DateTime.fromObject({ ...ymd, hour: h ?? 0, minute: m ?? 0 }, { zone });
  const minutes = e.allDay
    ? defaultMinutes
    : DateTime.fromISO(e.end, { zone }).diff(start, 'minutes').minutes;
  const iso = (d: DateTime) => d.toISO({ suppressMilliseconds: true }) ?? '';
  return { start: iso(s), end: iso(s.plus({ minutes })), allDay: false };
}

/** How a time is said back: "Friday 11 December, 3:00 PM" (a date alone when all-day). */
export function spokenWhen(iso: string, allDay: boolean, zone: string): string {
  const d = DateTime.fromISO(iso, { zone });
  return d.toFormat(allDay ? 'cccc d LLLL' : 'cccc d LLLL, h:mm a');
}

/** The confirmation card's sentence for a move or cancel, also what is spoken back. */
export function changeText(p: PreparedChange, zone: string): string {
  const e = p.event.instance;
  const was = spokenWhen(e.start, e.allDay, zone);
  const only = p.occurrence ? ' (only this one; the rest of the series stays)' : '';
  if (p.kind === 'cancel' || !p.to) return `Cancel "${e.summary}" on ${was}${only}?`;
  const parts = [
    `Move "${e.summary}" from ${was} to ${spokenWhen(p.to.start, p.to.allDay, zone)}${only}`,
  ];
  if (p.conflicts.length) {
    const c = p.conflicts[0];
    parts.push(
      `it overlaps ${p.conflicts.length === 1 && c ? `"${c.summary}"` : `${p.conflicts.length} events`}`,
    );
  }
  return `${parts.join('; ')}?`;
}

/** The choice to offer when several events match: "the 9:00 AM Staff meeting or …". */
export function choiceText(candidates: readonly FoundEvent[], zone: string): string {
  const list = candidates
    .slice(0, 4)
    .map(
      (c) => `"${c.instance.summary}" on ${spokenWhen(c.instance.start, c.instance.allDay, zone)}`,
    );
  return `Which one: ${list.join(', or ')}?`;
}
