import { Type, type Static } from 'typebox';

/**
 * The sync server's Nextcloud API (issue 22), shared by the server (which validates) and the
 * workstation's client. The workstation never holds Nextcloud credentials and never talks to
 * Nextcloud itself: the server keeps each person's app password (encrypted) and relays CalDAV
 * and WebDAV on their behalf, with the person's own token and role checks.
 */
export const NEXTCLOUD_PATHS = {
  /** `GET`: is Nextcloud configured, is this person connected (and as whom). */
  status: '/v1/nextcloud/status',
  /** `POST {}`: starts Nextcloud Login Flow v2; open `loginUrl` in the system browser. */
  loginStart: '/v1/nextcloud/login/start',
  /** `POST {flowId}`: asks once whether the person granted access; `connected` when done. */
  loginPoll: '/v1/nextcloud/login/poll',
  /** `DELETE`: forgets the app password (and asks Nextcloud to revoke it). */
  connection: '/v1/nextcloud/connection',
  /** `GET`: the person's calendars. */
  calendars: '/v1/nextcloud/calendar/calendars',
  /** `GET ?calendar&from&to`: iCalendar objects with an instance in [from, to). */
  events: '/v1/nextcloud/calendar/events',
  /** `GET ?calendar&name` one object; `PUT` create/update (If-Match); `DELETE ?calendar&name&etag`. */
  object: '/v1/nextcloud/calendar/object',
  /** `GET ?path`: a folder and its direct children (one PROPFIND, Depth 1). */
  filesList: '/v1/nextcloud/files/list',
  /** `GET ?path`: a file's bytes (ETag header); `PUT ?path[&overwrite=true]`: upload bytes. */
  filesContent: '/v1/nextcloud/files/content',
} as const;

/**
 * Every Nextcloud refusal a workstation can be told about. The server's error registry
 * `satisfies` them; each message says what happened and what to do.
 */
export const NEXTCLOUD_ERROR_CODES = [
  /** The server has no NEXTCLOUD_URL. */
  'NEXTCLOUD_NOT_CONFIGURED',
  /** This person has not connected their Nextcloud account yet. */
  'NEXTCLOUD_NOT_CONNECTED',
  /** Nextcloud did not answer (down, network, timeout). */
  'NEXTCLOUD_UNREACHABLE',
  /** Nextcloud refused the stored app password (revoked there, or the account changed). */
  'NEXTCLOUD_AUTH_REVOKED',
  /** The calendar or folder does not allow writing for this person. */
  'NEXTCLOUD_READ_ONLY',
  /** The person's Nextcloud storage is full. */
  'NEXTCLOUD_QUOTA_EXCEEDED',
  /** The object changed since it was read (stale ETag, HTTP 412): re-read it and ask again. */
  'NEXTCLOUD_CONFLICT',
  'NEXTCLOUD_NOT_FOUND',
  /** A Login Flow v2 that expired (20 minutes) or is not this person's. */
  'NEXTCLOUD_LOGIN_EXPIRED',
  /** Nextcloud answered with an error we cannot act on. */
  'NEXTCLOUD_ERROR',
] as const;
export type NextcloudErrorCode = (typeof NEXTCLOUD_ERROR_CODES)[number];
const CODES: ReadonlySet<string> = new Set(NEXTCLOUD_ERROR_CODES);
export const isNextcloudErrorCode = (code: unknown): code is NextcloudErrorCode =>
  typeof code === 'string' && CODES.has(code);

const closed = { additionalProperties: false } as const;

export const NextcloudStatus = Type.Object(
  {
    configured: Type.Boolean(),
    state: Type.Union([
      Type.Literal('not_connected'),
      Type.Literal('connected'),
      /** Nextcloud refused the stored app password: connect again. */
      Type.Literal('revoked'),
    ]),
    login: Type.Union([Type.String(), Type.Null()]),
    connectedAt: Type.Union([Type.String(), Type.Null()]),
    /** Nextcloud's web address, for links that open a file or the calendar there. */
    webUrl: Type.Union([Type.String(), Type.Null()]),
  },
  closed,
);
export type NextcloudStatus = Static<typeof NextcloudStatus>;

export const LoginStartResponse = Type.Object(
  {
    flowId: Type.String(),
    /** Open in the system browser: the person signs in to Nextcloud and grants access. */
    loginUrl: Type.String(),
    expiresIn: Type.Integer(),
  },
  closed,
);
export type LoginStartResponse = Static<typeof LoginStartResponse>;

export const LoginPollRequest = Type.Object(
  { flowId: Type.String({ minLength: 1, maxLength: 64 }) },
  closed,
);
export const LoginPollResponse = Type.Object(
  {
    state: Type.Union([Type.Literal('pending'), Type.Literal('connected')]),
    login: Type.Union([Type.String(), Type.Null()]),
  },
  closed,
);
export type LoginPollResponse = Static<typeof LoginPollResponse>;

/** One path segment as the DAV server names it (a calendar, an object): no slashes. */
export const SEGMENT_PATTERN = '^[^/\\\\\\u0000]{1,255}$';
const Segment = Type.String({ minLength: 1, maxLength: 255, pattern: SEGMENT_PATTERN });

export const CalendarInfo = Type.Object(
  {
    id: Type.String(),
    displayName: Type.String(),
    color: Type.Union([Type.String(), Type.Null()]),
    readOnly: Type.Boolean(),
    /** VEVENT, VTODO… (empty: the server did not say). */
    components: Type.Array(Type.String()),
    /** The calendar's own time zone (VTIMEZONE text), when it has one. */
    timezone: Type.Union([Type.String(), Type.Null()]),
  },
  closed,
);
export type CalendarInfo = Static<typeof CalendarInfo>;
export const CalendarsResponse = Type.Object({ calendars: Type.Array(CalendarInfo) }, closed);
export type CalendarsResponse = Static<typeof CalendarsResponse>;

export const EventsQuery = Type.Object(
  {
    calendar: Segment,
    from: Type.String({ format: 'date-time', maxLength: 40 }),
    to: Type.String({ format: 'date-time', maxLength: 40 }),
  },
  closed,
);
export type EventsQuery = Static<typeof EventsQuery>;

/** One iCalendar object resource (a VCALENDAR with one event UID and its overrides). */
export const CalendarObject = Type.Object(
  {
    calendar: Type.String(),
    name: Type.String(),
    etag: Type.Union([Type.String(), Type.Null()]),
    ics: Type.String(),
  },
  closed,
);
export type CalendarObject = Static<typeof CalendarObject>;
export const EventsResponse = Type.Object({ objects: Type.Array(CalendarObject) }, closed);
export type EventsResponse = Static<typeof EventsResponse>;

export const ObjectRef = Type.Object({ calendar: Segment, name: Segment }, closed);
export type ObjectRef = Static<typeof ObjectRef>;

/** Create (no etag: refused if it exists) or replace (etag: refused with 412 if it changed). */
export const PutObjectRequest = Type.Object(
  {
    calendar: Segment,
    name: Segment,
    ics: Type.String({ minLength: 1, maxLength: 1_000_000 }),
    etag: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
  },
  closed,
);
export type PutObjectRequest = Static<typeof PutObjectRequest>;
export const PutObjectResponse = Type.Object(
  { calendar: Type.String(), name: Type.String(), etag: Type.Union([Type.String(), Type.Null()]) },
  closed,
);
export type PutObjectResponse = Static<typeof PutObjectResponse>;

export const DeleteObjectQuery = Type.Object(
  { calendar: Segment, name: Segment, etag: Type.String({ minLength: 1, maxLength: 512 }) },
  closed,
);
export type DeleteObjectQuery = Static<typeof DeleteObjectQuery>;

/** A path under the person's Nextcloud files, always starting with "/" ("/" is the root). */
export const FILE_PATH_PATTERN = '^/[^\\u0000]{0,4095}$';
export const FilePath = Type.String({ minLength: 1, maxLength: 4096, pattern: FILE_PATH_PATTERN });

export const FileEntry = Type.Object(
  {
    path: Type.String(),
    name: Type.String(),
    type: Type.Union([Type.Literal('file'), Type.Literal('folder')]),
    etag: Type.Union([Type.String(), Type.Null()]),
    /** ISO 8601 (from getlastmodified). */
    lastModified: Type.Union([Type.String(), Type.Null()]),
    size: Type.Number({ minimum: 0 }),
    mime: Type.Union([Type.String(), Type.Null()]),
    /** Nextcloud's stable file id (survives renames and moves); null on other DAV servers. */
    fileId: Type.Union([Type.String(), Type.Null()]),
    /** Where a person opens this file or folder in Nextcloud's web interface. */
    webUrl: Type.Union([Type.String(), Type.Null()]),
  },
  closed,
);
export type FileEntry = Static<typeof FileEntry>;

export const FilesListQuery = Type.Object({ path: FilePath }, closed);
export const FilesListResponse = Type.Object(
  { folder: FileEntry, entries: Type.Array(FileEntry) },
  closed,
);
export type FilesListResponse = Static<typeof FilesListResponse>;

export const FileContentQuery = Type.Object(
  {
    path: FilePath,
    overwrite: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
  },
  closed,
);
export const PutFileResponse = Type.Object(
  { path: Type.String(), etag: Type.Union([Type.String(), Type.Null()]) },
  closed,
);
export type PutFileResponse = Static<typeof PutFileResponse>;

/** Largest upload through the server ("save this to my files"). */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
