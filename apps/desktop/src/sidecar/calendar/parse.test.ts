import { describe, expect, it } from 'vitest';
import { parseEventRequest } from './parse.js';

const SENTENCE = 'Add a meeting tomorrow at 2 pm with Dr. Smith for 30 minutes';

describe('parseEventRequest', () => {
  // 2026-03-07 15:00 UTC: the day before the United States move to daylight saving time
  // (2026-03-08 02:00 local), three weeks before the European Union's (2026-03-29).
  const now = new Date('2026-03-07T15:00:00Z');

  it.each([
    [
      'America/New_York',
      '2026-03-08T14:00:00-04:00',
      '2026-03-08T14:30:00-04:00',
      '2026-03-08T18:00:00.000Z',
    ],
    [
      'Europe/Berlin',
      '2026-03-08T14:00:00+01:00',
      '2026-03-08T14:30:00+01:00',
      '2026-03-08T13:00:00.000Z',
    ],
    [
      'Asia/Kolkata',
      '2026-03-08T14:00:00+05:30',
      '2026-03-08T14:30:00+05:30',
      '2026-03-08T08:30:00.000Z',
    ],
  ])(
    'the voice sentence in %s: tomorrow 2 pm local, 30 minutes, Dr. Smith',
    (zone, start, end, utc) => {
      const d = parseEventRequest(SENTENCE, { now, zone });
      expect(d).toEqual({
        summary: 'Meeting with Dr. Smith',
        start,
        end,
        allDay: false,
        zone,
        attendees: ['Dr. Smith'],
        minutes: 30,
      });
      expect(new Date(d.start).toISOString()).toBe(utc);
    },
  );

  it('keeps the local time said across the DST change (New York: -05:00 today, -04:00 tomorrow)', () => {
    const d = parseEventRequest('add a meeting tomorrow at 2 pm with Dr. Smith', {
      now,
      zone: 'America/New_York',
    });
    expect(d.start).toBe('2026-03-08T14:00:00-04:00');
    // Without a length said, an hour (Nextcloud's default).
    expect(d.end).toBe('2026-03-08T15:00:00-04:00');
    const berlin = parseEventRequest('add a meeting tomorrow at 2 pm with Dr. Smith', {
      now: new Date('2026-03-28T12:00:00Z'),
      zone: 'Europe/Berlin',
    });
    expect(berlin.start).toBe('2026-03-29T14:00:00+02:00');
  });

  it('durations, several attendees, a named event, an all-day event', () => {
    const z = { now, zone: 'Europe/Berlin' };
    expect(
      parseEventRequest('schedule a staff meeting on Friday at 9 am for an hour and a half', z),
    ).toMatchObject({
      summary: 'Staff meeting',
      start: '2026-03-13T09:00:00+01:00',
      end: '2026-03-13T10:30:00+01:00',
      attendees: [],
    });
    expect(
      parseEventRequest(
        'book a case review with Dr. Smith and Nurse Jones tomorrow 10:15 for 45 minutes',
        z,
      ),
    ).toMatchObject({
      summary: 'Case review with Dr. Smith and Nurse Jones',
      start: '2026-03-08T10:15:00+01:00',
      minutes: 45,
      attendees: ['Dr. Smith', 'Nurse Jones'],
    });
    expect(parseEventRequest('add team lunch on March 20 from 12 to 1:30 pm', z)).toMatchObject({
      summary: 'Team lunch',
      start: '2026-03-20T12:00:00+01:00',
      end: '2026-03-20T13:30:00+01:00',
    });
    expect(parseEventRequest('add the clinic open day on Friday', z)).toMatchObject({
      summary: 'Clinic open day',
      start: '2026-03-13',
      end: '2026-03-14',
      allDay: true,
    });
  });

  it('says what is missing, coded', () => {
    expect(() =>
      parseEventRequest('add a meeting with Dr. Smith', { now, zone: 'Europe/Berlin' }),
    ).toThrow(expect.objectContaining({ code: 'CALENDAR_NO_TIME' }));
    expect(() =>
      parseEventRequest('add a meeting tomorrow at 2 pm', { now, zone: 'Mars/Olympus' }),
    ).toThrow(expect.objectContaining({ code: 'CALENDAR_BAD_TIME_ZONE' }));
  });
});
