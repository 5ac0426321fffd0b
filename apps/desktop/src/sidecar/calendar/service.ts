import { randomUUID } from 'node:crypto';
import type { CalendarInfo } from '@voiceassist/contract';
import { DateTime } from 'luxon';
import {
  codeOf,
  isConflict,
  isOffline,
  movedTimes,
  pickTargets,
  searchWindow,
  type ChangeOutcome,
  type FindOutcome,
  type FoundEvent,
  type PreparedChange,
} from './edits.js';
import { expandObject, draftToIcs, type Contact, type EventInstance } from './ics.js';
import { cancelOccurrence, isSingleEvent, moveInObject, type NewTimes } from './ics-edit.js';
import { nextcloudError, type NextcloudClient } from './nextcloud-client.js';
import type { CalendarOutbox, QueuedChange } from './outbox.js';
import { parseCancelRequest, parseMoveRequest, type EventTarget } from './parse-change.js';
import { parseEventRequest, type EventDraft } from './parse.js';

export type CalendarOptions = Readonly<{
  /** The person's IANA time zone. */
  zone: string;
  now?: () => Date;
  /** People invitations can go to ("Dr. Smith" → their address), matched case-insensitively. */
  contacts?: readonly Contact[];
  /** The person themself, as ORGANIZER of events with attendees. */
  organizer?: Contact | undefined;
  defaultMinutes?: number;
  /**
   * Where confirmed changes wait while Nextcloud or the server is unreachable (the encrypted
   * store). Without it, such a change fails with the unreachable error instead.
   */
  outbox?: CalendarOutbox;
}>;

/** Which occurrence to change, as the Calendar view names it (from findEvents). */
export type EventSelector = Readonly<{
  calendar: string;
  name: string;
  uid: string;
  recurrenceId: string | null;
  /** The ETag the view read it at: if Nextcloud has another, the person is asked again. */
  etag: string | null;
}>;

export type FlushReport = Readonly<{
  written: number;
  /** Changed in Nextcloud meanwhile: kept, marked "conflict", for the person to decide. */
  conflicts: number;
  /** Refused (read-only, not found…): kept, marked "failed" with the code. */
  failed: number;
  /** Still waiting (Nextcloud or the server still unreachable, or the app password revoked). */
  waiting: number;
}>;

/** An event understood and ready to be confirmed: nothing is written yet. */
export type PreparedEvent = Readonly<{
  draft: EventDraft;
  calendar: Pick<CalendarInfo, 'id' | 'displayName'>;
  /** Attendees with an address (they get an invitation) and those without (they do not). */
  invited: readonly Contact[];
  unresolved: readonly string[];
  /** What already overlaps this time in any of the person's calendars. */
  conflicts: readonly EventInstance[];
  uid: string;
  ics: string;
}>;

export type WrittenEvent = Readonly<{
  calendar: string;
  name: string;
  uid: string;
  etag: string | null;
}>;

const canHoldEvents = (c: CalendarInfo) =>
  !c.readOnly && (c.components.length === 0 || c.components.includes('VEVENT'));

/**
 * The person's Nextcloud calendar, through the sync server: understand an "add" request into a
 * confirmation (with conflicts and who gets invited), write it only once confirmed, and list
 * occurrences in a range with recurrences expanded on the workstation.
 */
export class CalendarService {
  private readonly now: () => Date;

  constructor(
    private readonly client: NextcloudClient,
    private readonly opts: CalendarOptions,
  ) {
    this.now = opts.now ?? (() => new Date());
  }

  private async pickCalendar(id: string | undefined): Promise<CalendarInfo> {
    const all = await this.client.calendars();
    if (id !== undefined) {
      const c = all.find((x) => x.id === id);
      if (!c) throw nextcloudError('NEXTCLOUD_NOT_FOUND', `no calendar "${id}"`);
      if (c.readOnly) throw nextcloudError('NEXTCLOUD_READ_ONLY');
      return c;
    }
    const c = all.find(canHoldEvents);
    if (!c) throw nextcloudError('CALENDAR_NO_WRITABLE');
    return c;
  }

  /** Understands `text` and prepares the event; writes nothing. */
  async prepare(text: string, calendarId?: string): Promise<PreparedEvent> {
    const now = this.now();
    const draft = parseEventRequest(text, {
      now,
      zone: this.opts.zone,
      ...(this.opts.defaultMinutes ? { defaultMinutes: this.opts.defaultMinutes } : {}),
    });
    const calendar = await this.pickCalendar(calendarId);
    const book = new Map((this.opts.contacts ?? []).map((c) => [c.name.toLowerCase(), c]));
    const invited: Contact[] = [];
    const unresolved: string[] = [];
    for (const name of draft.attendees) {
      const c = book.get(name.toLowerCase());
      if (c) invited.push({ name, email: c.email });
      else unresolved.push(name);
    }
    // A date alone is midnight in the person's zone; a time carries its offset.
    const at = (iso: string) => DateTime.fromISO(iso, { zone: this.opts.zone }).toJSDate();
    const conflicts = await this.list(at(draft.start), at(draft.end));
    const uid = `${randomUUID()}@voiceassist`;
    const ics = draftToIcs(draft, { uid, now, attendees: invited, organizer: this.opts.organizer });
    return {
      draft,
      calendar: { id: calendar.id, displayName: calendar.displayName },
      invited,
      unresolved,
      conflicts,
      uid,
      ics,
    };
  }

  /** Writes a confirmed event (never over an existing one: the server refuses that). */
  async write(p: PreparedEvent): Promise<WrittenEvent> {
    const r = await this.client.putObject({
      calendar: p.calendar.id,
      name: objectName(p.uid),
      ics: p.ics,
    });
    return { calendar: r.calendar, name: r.name, uid: p.uid, etag: r.etag };
  }

  /** Every occurrence overlapping [from, to) in one calendar or all, sorted by start. */
  async list(from: Date, to: Date, calendarId?: string): Promise<EventInstance[]> {
    const calendars =
      calendarId === undefined
        ? (await this.client.calendars()).filter(
            (c) => c.components.length === 0 || c.components.includes('VEVENT'),
          )
        : [{ id: calendarId }];
    const out: EventInstance[] = [];
    for (const c of calendars) {
      const objects = await this.client.events(c.id, from.toISOString(), to.toISOString());
      for (const o of objects) out.push(...expandObject(o.ics, from, to, this.opts.zone));
    }
    return out.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  }

  /** Every occurrence in [from, to) with where its object lives (what a change and the view need). */
  async findEvents(from: Date, to: Date, calendarId?: string): Promise<FoundEvent[]> {
    const calendars = (await this.client.calendars()).filter(
      (c) =>
        (calendarId === undefined || c.id === calendarId) &&
        (c.components.length === 0 || c.components.includes('VEVENT')),
    );
    const out: FoundEvent[] = [];
    for (const c of calendars) {
      for (const o of await this.client.events(c.id, from.toISOString(), to.toISOString())) {
        for (const instance of expandObject(o.ics, from, to, this.opts.zone)) {
          out.push({
            instance,
            calendar: c.id,
            calendarName: c.displayName,
            readOnly: c.readOnly,
            name: o.name,
            etag: o.etag,
            ics: o.ics,
          });
        }
      }
    }
    return out.sort((a, b) => Date.parse(a.instance.start) - Date.parse(b.instance.start));
  }

  private async resolve(target: EventTarget): Promise<FoundEvent[]> {
    const { from, to } = searchWindow(target, this.now(), this.opts.zone);
    const hits = pickTargets(await this.findEvents(from, to), target, this.opts.zone);
    if (hits.length === 0) throw nextcloudError('CALENDAR_EVENT_NOT_FOUND');
    return hits;
  }

  /**
   * "move my 3 pm to Friday", "reschedule the staff meeting to tomorrow at 10": finds the event
   * and prepares the move (a repeating event: only that occurrence); writes nothing. Several
   * matching events come back as `ambiguous` to be chosen from (prepareMoveOf). Undefined when
   * the text is not a move.
   */
  async prepareMove(text: string): Promise<FindOutcome | undefined> {
    const req = parseMoveRequest(text, { now: this.now(), zone: this.opts.zone });
    if (!req) return undefined;
    const [e, ...others] = await this.resolve(req.target);
    if (!e || others.length)
      return { status: 'ambiguous', candidates: [e, ...others].filter(isSome) };
    const to = movedTimes(e.instance, req, this.opts.zone, this.opts.defaultMinutes);
    return { status: 'ready', change: await this.moveOf(e, to) };
  }

  /** The new times a move request asks of one chosen event; undefined when the text is no move. */
  moveTimesFor(text: string, e: FoundEvent): NewTimes | undefined {
    const req = parseMoveRequest(text, { now: this.now(), zone: this.opts.zone });
    return req ? movedTimes(e.instance, req, this.opts.zone, this.opts.defaultMinutes) : undefined;
  }

  /** "cancel the staff meeting": as prepareMove, for cancelling. Undefined when not a cancel. */
  async prepareCancel(text: string): Promise<FindOutcome | undefined> {
    const req = parseCancelRequest(text, { now: this.now(), zone: this.opts.zone });
    if (!req) return undefined;
    const [e, ...others] = await this.resolve(req.target);
    if (!e || others.length)
      return { status: 'ambiguous', candidates: [e, ...others].filter(isSome) };
    return { status: 'ready', change: this.cancelOf(e) };
  }

  /**
   * A move of one chosen occurrence to new times (the Calendar view's edit, or a choice after
   * `ambiguous`). The object is read again; if it changed since `sel.etag`, the person sees it
   * as it is now (`changed`) instead.
   */
  async prepareMoveOf(sel: EventSelector, to: NewTimes): Promise<SelectOutcome> {
    const latest = await this.reread(sel);
    if (!latest || (sel.etag !== null && latest.etag !== sel.etag)) {
      return { status: 'changed', latest };
    }
    return { status: 'ready', change: await this.moveOf(latest, to) };
  }

  /** A cancel of one chosen occurrence; as prepareMoveOf. */
  async prepareCancelOf(sel: EventSelector): Promise<SelectOutcome> {
    const latest = await this.reread(sel);
    if (!latest || (sel.etag !== null && latest.etag !== sel.etag)) {
      return { status: 'changed', latest };
    }
    return { status: 'ready', change: this.cancelOf(latest) };
  }

  private async moveOf(e: FoundEvent, to: NewTimes): Promise<PreparedChange> {
    if (e.readOnly) throw nextcloudError('NEXTCLOUD_READ_ONLY');
    const { uid, recurrenceId } = e.instance;
    const ics = moveInObject(e.ics, { uid, recurrenceId }, to, this.now());
    const at = (iso: string) => DateTime.fromISO(iso, { zone: this.opts.zone }).toJSDate();
    const conflicts = (await this.list(at(to.start), at(to.end))).filter(
      (c) => !(c.uid === uid && c.recurrenceId === recurrenceId),
    );
    return { kind: 'move', event: e, to, occurrence: recurrenceId !== null, ics, conflicts };
  }

  private cancelOf(e: FoundEvent): PreparedChange {
    if (e.readOnly) throw nextcloudError('NEXTCLOUD_READ_ONLY');
    const { uid, recurrenceId } = e.instance;
    // One event per object (RFC 4791): a single event goes with its object; one occurrence of a
    // series becomes an EXDATE.
    const whole = recurrenceId === null || isSingleEvent(e.ics, uid);
    const ics = whole ? null : cancelOccurrence(e.ics, { uid, recurrenceId }, this.now());
    return { kind: 'cancel', event: e, to: null, occurrence: !whole, ics, conflicts: [] };
  }

  /** The occurrence as Nextcloud has it now; null when it (or its object) is gone. */
  private async reread(
    sel: Pick<EventSelector, 'calendar' | 'name' | 'uid' | 'recurrenceId'>,
  ): Promise<FoundEvent | null> {
    let o;
    try {
      o = await this.client.object(sel.calendar, sel.name);
    } catch (e) {
      if (codeOf(e) === 'NEXTCLOUD_NOT_FOUND') return null;
      throw e;
    }
    const cal = (await this.client.calendars()).find((c) => c.id === sel.calendar);
    const around = sel.recurrenceId === null ? null : Date.parse(sel.recurrenceId);
    const [from, to] =
      around === null || Number.isNaN(around)
        ? [new Date('1900-01-01T00:00:00Z'), new Date('2200-01-01T00:00:00Z')]
        : [new Date(around - YEAR_MS), new Date(around + YEAR_MS)];
    const instance = expandObject(o.ics, from, to, this.opts.zone).find(
      (i) => i.uid === sel.uid && i.recurrenceId === sel.recurrenceId,
    );
    if (!instance) return null;
    return {
      instance,
      calendar: sel.calendar,
      calendarName: cal?.displayName ?? sel.calendar,
      readOnly: cal?.readOnly ?? false,
      name: o.name,
      etag: o.etag,
      ics: o.ics,
    };
  }

  private async send(c: {
    calendar: string;
    name: string;
    etag: string | null;
    ics: string | null;
  }): Promise<{ calendar: string; name: string; etag: string | null }> {
    if (c.ics === null) {
      // Deleting needs the version read (If-Match): without one, Nextcloud is asked again.
      if (c.etag === null) throw nextcloudError('NEXTCLOUD_CONFLICT');
      await this.client.deleteObject(c.calendar, c.name, c.etag);
      return { calendar: c.calendar, name: c.name, etag: null };
    }
    return this.client.putObject({
      calendar: c.calendar,
      name: c.name,
      ics: c.ics,
      ...(c.etag === null ? {} : { etag: c.etag }),
    });
  }

  /**
   * Writes a confirmed move or cancel, guarded by the ETag it was prepared from: if the event
   * changed in Nextcloud meanwhile (412) nothing is written and the event as it is now comes back
   * (`changed`: show it, ask again). Unreachable: kept in the outbox (`queued`).
   */
  async apply(p: PreparedChange): Promise<ChangeOutcome> {
    const { calendar, name, etag } = p.event;
    const { uid, recurrenceId } = p.event.instance;
    try {
      return { status: 'written', ...(await this.send({ calendar, name, etag, ics: p.ics })) };
    } catch (e) {
      if (isConflict(e))
        return {
          status: 'changed',
          latest: await this.reread({ calendar, name, uid, recurrenceId }),
        };
      if (isOffline(e) && this.opts.outbox) {
        const q = this.opts.outbox.add({
          kind: p.kind,
          calendar,
          name,
          etag,
          ics: p.ics,
          summary: p.event.instance.summary,
          change: {
            uid,
            recurrenceId,
            start: p.to?.start ?? null,
            end: p.to?.end ?? null,
            allDay: p.to?.allDay ?? p.event.instance.allDay,
          },
        });
        return { status: 'queued', id: q.id };
      }
      throw e;
    }
  }

  /** Writes a confirmed new event, or keeps it in the outbox while unreachable (cf. write). */
  async confirmAdd(p: PreparedEvent): Promise<ChangeOutcome> {
    try {
      const w = await this.write(p);
      return { status: 'written', calendar: w.calendar, name: w.name, etag: w.etag };
    } catch (e) {
      if (!isOffline(e) || !this.opts.outbox) throw e;
      const q = this.opts.outbox.add({
        kind: 'add',
        calendar: p.calendar.id,
        name: objectName(p.uid),
        etag: null,
        ics: p.ics,
        summary: p.draft.summary,
        change: {
          uid: p.uid,
          recurrenceId: null,
          start: p.draft.start,
          end: p.draft.end,
          allDay: p.draft.allDay,
        },
      });
      return { status: 'queued', id: q.id };
    }
  }

  /** Changes waiting in the outbox (pending, conflict, failed), oldest first. */
  queued(): QueuedChange[] {
    return this.opts.outbox?.list() ?? [];
  }

  /**
   * Writes what the outbox holds, in order; call when the server is reachable again (the engine
   * does on every health change to ready, and before listing). A change whose event changed in
   * Nextcloud meanwhile is NOT written: it stays as `conflict` for the person (reviewQueued).
   */
  async flush(): Promise<FlushReport> {
    const outbox = this.opts.outbox;
    let written = 0;
    let conflicts = 0;
    let failed = 0;
    const pending = outbox?.pending() ?? [];
    for (const [i, q] of pending.entries()) {
      try {
        await this.send(q);
        outbox?.remove(q.id);
        written++;
      } catch (e) {
        const code = codeOf(e);
        if (code === undefined) throw e;
        if (isOffline(e) || WAIT_CODES.has(code)) {
          return { written, conflicts, failed, waiting: pending.length - i };
        }
        if (await this.alreadyDone(q, code)) {
          outbox?.remove(q.id);
          written++;
        } else if (isConflict(e)) {
          outbox?.mark(q.id, 'conflict', code);
          conflicts++;
        } else {
          outbox?.mark(q.id, 'failed', code);
          failed++;
        }
      }
    }
    return { written, conflicts, failed, waiting: 0 };
  }

  /** A replay after a lost answer: the add is there already, or the cancelled event is gone. */
  private async alreadyDone(q: QueuedChange, code: string): Promise<boolean> {
    if (q.kind === 'cancel' && q.ics === null) return code === 'NEXTCLOUD_NOT_FOUND';
    if (q.kind !== 'add' || code !== 'NEXTCLOUD_CONFLICT') return false;
    try {
      const o = await this.client.object(q.calendar, q.name);
      return o.ics.includes(`UID:${q.change.uid}`);
    } catch {
      return false;
    }
  }

  /**
   * A queued change the person looks at again (after `conflict`): prepared afresh against the
   * event as it is now and taken out of the outbox; confirm it with apply.
   */
  async reviewQueued(id: number): Promise<SelectOutcome | undefined> {
    const q = this.opts.outbox?.get(id);
    if (!q) return undefined;
    const sel = {
      calendar: q.calendar,
      name: q.name,
      uid: q.change.uid,
      recurrenceId: q.change.recurrenceId,
    };
    const latest = await this.reread(sel);
    this.opts.outbox?.remove(id);
    if (!latest) return { status: 'changed', latest: null };
    if (q.kind === 'cancel') return { status: 'ready', change: this.cancelOf(latest) };
    if (q.kind === 'move' && q.change.start && q.change.end) {
      const to = { start: q.change.start, end: q.change.end, allDay: q.change.allDay };
      return { status: 'ready', change: await this.moveOf(latest, to) };
    }
    return { status: 'changed', latest };
  }

  discardQueued(id: number): boolean {
    return this.opts.outbox?.remove(id) ?? false;
  }
}

/** An event chosen by the view: ready to confirm, or changed in Nextcloud since it was shown. */
export type SelectOutcome =
  | Readonly<{ status: 'ready'; change: PreparedChange }>
  | Readonly<{ status: 'changed'; latest: FoundEvent | null }>;

/** Refusals that a later attempt can get past once the person acts (reconnect): keep waiting. */
const WAIT_CODES: ReadonlySet<string> = new Set([
  'NEXTCLOUD_AUTH_REVOKED',
  'NEXTCLOUD_NOT_CONNECTED',
]);
const YEAR_MS = 366 * 86_400_000;
const isSome = <T>(x: T | undefined): x is T => x !== undefined;
const objectName = (uid: string) => `${uid.replace(/[^A-Za-z0-9_-]/g, '-')}.ics`;

/** The confirmation card's one sentence, also what is spoken back before writing. */
export function confirmationText(p: PreparedEvent): string {
  const d = p.draft;
  const when = d.allDay ? `on ${d.start} (all day)` : `from ${d.start} to ${d.end}`;
  const parts = [`Add "${d.summary}" ${when} to ${p.calendar.displayName}`];
  if (p.invited.length) parts.push(`inviting ${p.invited.map((c) => c.name).join(' and ')}`);
  if (p.unresolved.length) {
    parts.push(`no address for ${p.unresolved.join(' and ')}, so no invitation`);
  }
  if (p.conflicts.length) {
    parts.push(
      `it overlaps ${p.conflicts.length === 1 ? `"${p.conflicts[0]?.summary ?? ''}"` : `${p.conflicts.length} events`}`,
    );
  }
  return `${parts.join('; ')}?`;
}
