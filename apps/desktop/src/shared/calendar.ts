import { Type, type Static } from 'typebox';

/**
 * Schemas of the Calendar view's calls (`calendar.*` in contract.ts). The engine reaches the
 * person's Nextcloud calendar through the sync server; a change is first prepared (a card to
 * confirm: nothing is written), then confirmed by its id. Changes made while Nextcloud or the
 * server is unreachable wait in the encrypted store (`queued`) and are written when it is back;
 * an event changed in Nextcloud since it was read is shown again (`changed`), never overwritten.
 */

const closed = { additionalProperties: false } as const;
const Text = Type.String({ maxLength: 1024 });
const Iso = Type.String({ maxLength: 40 });
const Segment = Type.String({ minLength: 1, maxLength: 255 });
const Id = Type.String({ minLength: 1, maxLength: 64 });

export const CalendarStatusDto = Type.Object(
  {
    /** Nextcloud is set up for this workstation (a server, and NEXTCLOUD_URL on it). */
    configured: Type.Boolean(),
    state: Type.Union([
      Type.Literal('not_connected'),
      Type.Literal('connected'),
      Type.Literal('revoked'),
      Type.Literal('unreachable'),
      Type.Literal('not_configured'),
    ]),
    login: Type.Union([Type.String({ maxLength: 256 }), Type.Null()]),
    /** Nextcloud's web address (the view links to the calendar there). */
    webUrl: Type.Union([Type.String({ maxLength: 2048 }), Type.Null()]),
    /** The time zone times are shown and understood in. */
    zone: Type.String({ maxLength: 64 }),
    detail: Text,
  },
  closed,
);
export type CalendarStatusDto = Static<typeof CalendarStatusDto>;

/** One occurrence, with what is needed to change it. */
export const CalendarEventDto = Type.Object(
  {
    uid: Type.String({ maxLength: 1024 }),
    summary: Type.String({ maxLength: 2048 }),
    /** ISO 8601 with the offset in `zone`; a date when all-day. */
    start: Iso,
    end: Iso,
    allDay: Type.Boolean(),
    recurrenceId: Type.Union([Iso, Type.Null()]),
    calendar: Type.String({ maxLength: 255 }),
    calendarName: Type.String({ maxLength: 512 }),
    readOnly: Type.Boolean(),
    name: Type.String({ maxLength: 255 }),
    etag: Type.Union([Type.String({ maxLength: 512 }), Type.Null()]),
  },
  closed,
);
export type CalendarEventDto = Static<typeof CalendarEventDto>;

export const QueuedChangeDto = Type.Object(
  {
    id: Type.Integer({ minimum: 1 }),
    kind: Type.Union([Type.Literal('add'), Type.Literal('move'), Type.Literal('cancel')]),
    summary: Type.String({ maxLength: 2048 }),
    start: Type.Union([Iso, Type.Null()]),
    state: Type.Union([Type.Literal('pending'), Type.Literal('conflict'), Type.Literal('failed')]),
    code: Type.Union([Type.String({ maxLength: 64 }), Type.Null()]),
    createdAt: Iso,
  },
  closed,
);
export type QueuedChangeDto = Static<typeof QueuedChangeDto>;

export const EventsInput = Type.Object({ from: Iso, to: Iso }, closed);
export const EventsOutput = Type.Object(
  {
    events: Type.Array(CalendarEventDto, { maxItems: 5000 }),
    /** Changes waiting for Nextcloud (offline), or that need the person (conflict, failed). */
    queued: Type.Array(QueuedChangeDto, { maxItems: 1000 }),
    /** Set when the calendar could not be read now (unreachable…): `events` is empty then. */
    error: Type.Optional(
      Type.Object({ code: Type.String({ maxLength: 64 }), message: Text }, closed),
    ),
  },
  closed,
);
export type EventsOutput = Static<typeof EventsOutput>;

export const EventSelectorDto = Type.Object(
  {
    calendar: Segment,
    name: Segment,
    uid: Type.String({ minLength: 1, maxLength: 1024 }),
    recurrenceId: Type.Union([Iso, Type.Null()]),
    etag: Type.Union([Type.String({ maxLength: 512 }), Type.Null()]),
  },
  closed,
);

/** What to prepare: a sentence ("add…", "move…", "cancel…"), an edit or cancel chosen in the view, or a queued change to look at again. */
export const PrepareInput = Type.Union([
  Type.Object({ text: Type.String({ minLength: 1, maxLength: 1000 }) }, closed),
  Type.Object(
    {
      move: EventSelectorDto,
      start: Iso,
      end: Iso,
      allDay: Type.Boolean(),
    },
    closed,
  ),
  Type.Object({ cancel: EventSelectorDto }, closed),
  Type.Object({ queued: Type.Integer({ minimum: 1 }) }, closed),
]);
export type PrepareInput = Static<typeof PrepareInput>;

/** The confirmation card: what will be written, read back in one sentence. */
export const CalendarCardDto = Type.Object(
  {
    id: Id,
    kind: Type.Union([Type.Literal('add'), Type.Literal('move'), Type.Literal('cancel')]),
    /** The sentence shown and spoken before anything is written. */
    text: Text,
    summary: Type.String({ maxLength: 2048 }),
    start: Iso,
    end: Iso,
    allDay: Type.Boolean(),
    calendarName: Type.String({ maxLength: 512 }),
    /** Only this occurrence of a repeating event. */
    occurrence: Type.Boolean(),
    conflicts: Type.Array(
      Type.Object({ summary: Type.String({ maxLength: 2048 }), start: Iso }, closed),
      {
        maxItems: 50,
      },
    ),
  },
  closed,
);
export type CalendarCardDto = Static<typeof CalendarCardDto>;

export const PrepareOutput = Type.Union([
  Type.Object({ status: Type.Literal('ready'), card: CalendarCardDto }, closed),
  Type.Object(
    {
      status: Type.Literal('ambiguous'),
      question: Text,
      candidates: Type.Array(CalendarEventDto, { maxItems: 50 }),
    },
    closed,
  ),
  Type.Object(
    {
      status: Type.Literal('changed'),
      message: Text,
      latest: Type.Union([CalendarEventDto, Type.Null()]),
    },
    closed,
  ),
]);
export type PrepareOutput = Static<typeof PrepareOutput>;

export const ConfirmInput = Type.Object({ id: Id, confirm: Type.Boolean() }, closed);
export const ConfirmOutput = Type.Object(
  {
    status: Type.Union([
      Type.Literal('written'),
      Type.Literal('queued'),
      Type.Literal('changed'),
      Type.Literal('discarded'),
    ]),
    /** One sentence for the person (also spoken when the request came by voice). */
    message: Text,
    latest: Type.Union([CalendarEventDto, Type.Null()]),
  },
  closed,
);
export type ConfirmOutput = Static<typeof ConfirmOutput>;

export const DiscardQueuedInput = Type.Object({ id: Type.Integer({ minimum: 1 }) }, closed);
