import {
  createCalendarObject,
  deleteCalendarObject,
  fetchCalendarObjects,
  fetchCalendars,
  updateCalendarObject,
} from 'tsdav';
import type { CalendarInfo, CalendarObject } from '@voiceassist/contract';
import { AppError } from '../errors.js';
import { DavStatusError, davError, statusError } from '../nextcloud/dav-errors.js';

/** Credentials and where to use them; built per request from a person's stored connection. */
export type DavAccess = Readonly<{
  /** The collection URL (calendar home, or the files root), ending in "/". */
  url: string;
  login: string;
  appPassword: string;
  timeoutMs: number;
}>;

export const basicAuth = (a: Pick<DavAccess, 'login' | 'appPassword'>) =>
  `Basic ${Buffer.from(`${a.login}:${a.appPassword}`, 'utf8').toString('base64')}`;

/**
 * The fetch tsdav uses: credentials on every request, a timeout, and refusals as DavStatusError
 * (tsdav returns PROPFIND/REPORT failures as empty results otherwise, which would read as "no
 * calendars" when the app password was revoked).
 */
function davFetch(a: DavAccess): typeof fetch {
  return async (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', basicAuth(a));
    const res = await fetch(input, {
      ...init,
      headers,
      signal: AbortSignal.timeout(a.timeoutMs),
    });
    const method = (init?.method ?? 'GET').toUpperCase();
    if (res.status === 401 || ((method === 'PROPFIND' || method === 'REPORT') && !res.ok)) {
      await res.body?.cancel();
      throw new DavStatusError(res.status);
    }
    return res;
  };
}

const CALENDAR_PROPS = {
  'c:calendar-description': {},
  'c:calendar-timezone': {},
  'd:displayname': {},
  'ca:calendar-color': {},
  'cs:getctag': {},
  'd:resourcetype': {},
  'c:supported-calendar-component-set': {},
  'd:sync-token': {},
  'd:current-user-privilege-set': {},
};

/** True when the privilege set (as tsdav parsed the XML) grants some kind of write. */
function canWrite(privileges: unknown): boolean {
  const text = JSON.stringify(privileges ?? null);
  return /"(write|write-content|bind|all)"/i.test(text);
}

const lastSegment = (url: string) => {
  const parts = new URL(url).pathname.split('/').filter(Boolean);
  return decodeURIComponent(parts[parts.length - 1] ?? '');
};

/** A DAV-given ETag as an If-Match value (some servers hand them out without quotes). */
const quoted = (etag: string) => (/^(W\/)?".*"$/.test(etag) ? etag : `"${etag}"`);

/**
 * CalDAV for one person (tsdav): their calendars under the calendar home, the objects in a time
 * range, and writes guarded by ETags (create: If-None-Match *, replace and delete: If-Match), so
 * a change made elsewhere is never overwritten silently: the DAV server answers 412 and the
 * caller gets NEXTCLOUD_CONFLICT.
 */
export class CalDav {
  private readonly fetch: typeof fetch;
  constructor(private readonly access: DavAccess) {
    this.fetch = davFetch(access);
  }

  private calendarUrl(id: string): string {
    checkSegment(id);
    return new URL(`${encodeURIComponent(id)}/`, this.access.url).href;
  }

  async calendars(): Promise<CalendarInfo[]> {
    try {
      const list = await fetchCalendars({
        account: {
          accountType: 'caldav',
          serverUrl: this.access.url,
          rootUrl: this.access.url,
          homeUrl: this.access.url,
        },
        props: CALENDAR_PROPS,
        projectedProps: { currentUserPrivilegeSet: true },
        fetch: this.fetch,
      });
      return list.map((c) => {
        const privileges = c.projectedProps?.currentUserPrivilegeSet;
        return {
          id: lastSegment(c.url),
          displayName:
            typeof c.displayName === 'string' && c.displayName ? c.displayName : lastSegment(c.url),
          color: typeof c.calendarColor === 'string' ? c.calendarColor : null,
          // Without the property (a server that does not say) writes are tried and a 403 says it.
          readOnly: privileges === undefined ? false : !canWrite(privileges),
          components: c.components ?? [],
          timezone: c.timezone === undefined || c.timezone === '' ? null : c.timezone,
        };
      });
    } catch (e) {
      throw davError(e, false);
    }
  }

  /** Objects with an instance overlapping [from, to) (the server applies recurrence rules). */
  async events(calendar: string, from: string, to: string): Promise<CalendarObject[]> {
    try {
      const objects = await fetchCalendarObjects({
        calendar: { url: this.calendarUrl(calendar) },
        timeRange: { start: from, end: to },
        urlFilter: () => true,
        useMultiGet: false,
        fetch: this.fetch,
      });
      return objects
        .filter((o) => typeof o.data === 'string' && o.data.includes('BEGIN:VCALENDAR'))
        .map((o) => ({
          calendar,
          name: lastSegment(o.url),
          etag: o.etag ?? null,
          ics: o.data as string,
        }));
    } catch (e) {
      throw davError(e, false);
    }
  }

  async get(calendar: string, name: string): Promise<CalendarObject> {
    checkSegment(name);
    const url = new URL(encodeURIComponent(name), this.calendarUrl(calendar)).href;
    try {
      const res = await this.fetch(url, { method: 'GET' });
      if (!res.ok) {
        await res.body?.cancel();
        throw new DavStatusError(res.status);
      }
      return { calendar, name, etag: res.headers.get('etag'), ics: await res.text() };
    } catch (e) {
      throw davError(e, false);
    }
  }

  async put(req: {
    calendar: string;
    name: string;
    ics: string;
    etag?: string | undefined;
  }): Promise<{ etag: string | null }> {
    checkSegment(req.name);
    const calendarUrl = this.calendarUrl(req.calendar);
    try {
      const res = req.etag
        ? await updateCalendarObject({
            calendarObject: {
              url: new URL(encodeURIComponent(req.name), calendarUrl).href,
              data: req.ics,
              etag: quoted(req.etag),
            },
            fetch: this.fetch,
          })
        : await createCalendarObject({
            calendar: { url: calendarUrl },
            filename: encodeURIComponent(req.name),
            iCalString: req.ics,
            fetch: this.fetch,
          });
      await res.body?.cancel();
      if (!res.ok) throw statusError(res.status, true);
      return { etag: res.headers.get('etag') };
    } catch (e) {
      throw davError(e, true);
    }
  }

  async delete(calendar: string, name: string, etag: string): Promise<void> {
    checkSegment(name);
    try {
      const res = await deleteCalendarObject({
        calendarObject: {
          url: new URL(encodeURIComponent(name), this.calendarUrl(calendar)).href,
          etag: quoted(etag),
        },
        fetch: this.fetch,
      });
      await res.body?.cancel();
      if (!res.ok) throw statusError(res.status, true);
    } catch (e) {
      throw davError(e, true);
    }
  }
}

/** A calendar or object name: one path segment, never "." or "..". */
export function checkSegment(s: string): void {
  if (!s || s === '.' || s === '..' || /[/\\]/.test(s) || s.includes('\0') || s.length > 255) {
    throw new AppError('BAD_REQUEST', 'A calendar or event name is one path segment.');
  }
}
