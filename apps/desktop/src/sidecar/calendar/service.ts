import { randomUUID } from 'node:crypto';
import type { CalendarInfo } from '@voiceassist/contract';
import { DateTime } from 'luxon';
import { expandObject, draftToIcs, type Contact, type EventInstance } from './ics.js';
import { nextcloudError, type NextcloudClient } from './nextcloud-client.js';
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
    const name = `${p.uid.replace(/[^A-Za-z0-9_-]/g, '-')}.ics`;
    const r = await this.client.putObject({ calendar: p.calendar.id, name, ics: p.ics });
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
}

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
