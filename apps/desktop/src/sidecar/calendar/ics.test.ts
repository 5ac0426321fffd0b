import { describe, expect, it } from 'vitest';
import { draftToIcs, expandObject } from './ics.js';
import { parseEventRequest } from './parse.js';

/**
 * Recurrence cases from RFC 5545 §3.8.5.3 (Recurrence Rule examples), with the RFC's own
 * America/New_York VTIMEZONE (§3.6.5), which carries the 1987–2006 and 2007+ rules.
 */
const NEW_YORK = `BEGIN:VTIMEZONE
TZID:America/New_York
BEGIN:DAYLIGHT
DTSTART:19870405T020000
RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU;UNTIL=20060402T070000Z
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
TZNAME:EDT
END:DAYLIGHT
BEGIN:STANDARD
DTSTART:19671029T020000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU;UNTIL=20061029T060000Z
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
TZNAME:EST
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:20070311T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
TZNAME:EDT
END:DAYLIGHT
BEGIN:STANDARD
DTSTART:20071104T020000
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
TZNAME:EST
END:STANDARD
END:VTIMEZONE`;

const cal = (...events: string[]) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', NEW_YORK, ...events, 'END:VCALENDAR', '']
    .join('\n')
    .replace(/\n/g, '\r\n');

const vevent = (lines: string[]) =>
  ['BEGIN:VEVENT', 'DTSTAMP:19970901T000000Z', ...lines, 'END:VEVENT'].join('\n');

const NY = 'America/New_York';
const starts = (xs: { start: string }[]) => xs.map((x) => x.start);

describe('expandObject (RFC 5545 §3.8.5.3)', () => {
  it('every other week on Monday, Wednesday and Friday until 24 December 1997, across the end of DST', () => {
    const ics = cal(
      vevent([
        'UID:every-other-week@rfc5545',
        'SUMMARY:Biweekly',
        'DTSTART;TZID=America/New_York:19970901T090000',
        'DTEND;TZID=America/New_York:19970901T100000',
        'RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR',
      ]),
    );
    const got = expandObject(
      ics,
      new Date('1997-01-01T00:00:00Z'),
      new Date('1998-01-01T00:00:00Z'),
      NY,
    );
    const edt = [
      '09-01',
      '09-03',
      '09-05',
      '09-15',
      '09-17',
      '09-19',
      '09-29',
      '10-01',
      '10-03',
      '10-13',
      '10-15',
      '10-17',
    ];
    const est = [
      '10-27',
      '10-29',
      '10-31',
      '11-10',
      '11-12',
      '11-14',
      '11-24',
      '11-26',
      '11-28',
      '12-08',
      '12-10',
      '12-12',
      '12-22',
    ];
    expect(starts(got)).toEqual([
      ...edt.map((d) => `1997-${d}T09:00:00-04:00`),
      ...est.map((d) => `1997-${d}T09:00:00-05:00`),
    ]);
    expect(got[0]).toEqual({
      uid: 'every-other-week@rfc5545',
      summary: 'Biweekly',
      start: '1997-09-01T09:00:00-04:00',
      end: '1997-09-01T10:00:00-04:00',
      allDay: false,
      recurrenceId: '1997-09-01T09:00:00-04:00',
    });
  });

  it('monthly on the first Friday for 10 occurrences', () => {
    const ics = cal(
      vevent([
        'UID:first-friday@rfc5545',
        'SUMMARY:First Friday',
        'DTSTART;TZID=America/New_York:19970905T090000',
        'DURATION:PT1H',
        'RRULE:FREQ=MONTHLY;COUNT=10;BYDAY=1FR',
      ]),
    );
    const got = expandObject(
      ics,
      new Date('1997-01-01T00:00:00Z'),
      new Date('1999-01-01T00:00:00Z'),
      NY,
    );
    expect(got.map((x) => x.start.slice(0, 10))).toEqual([
      '1997-09-05',
      '1997-10-03',
      '1997-11-07',
      '1997-12-05',
      '1998-01-02',
      '1998-02-06',
      '1998-03-06',
      '1998-04-03',
      '1998-05-01',
      '1998-06-05',
    ]);
    expect(got[3]?.end).toBe('1997-12-05T10:00:00-05:00');
  });

  it('daily for 10 occurrences with an EXDATE and a RECURRENCE-ID override (moved and retitled)', () => {
    const ics = cal(
      vevent([
        'UID:daily@rfc5545',
        'SUMMARY:Daily',
        'DTSTART;TZID=America/New_York:19970902T090000',
        'DTEND;TZID=America/New_York:19970902T093000',
        'RRULE:FREQ=DAILY;COUNT=10',
        'EXDATE;TZID=America/New_York:19970904T090000',
      ]),
      vevent([
        'UID:daily@rfc5545',
        'RECURRENCE-ID;TZID=America/New_York:19970905T090000',
        'SUMMARY:Daily (moved)',
        'DTSTART;TZID=America/New_York:19970905T140000',
        'DTEND;TZID=America/New_York:19970905T150000',
      ]),
    );
    const got = expandObject(
      ics,
      new Date('1997-09-01T00:00:00Z'),
      new Date('1997-10-01T00:00:00Z'),
      NY,
    );
    expect(got).toHaveLength(9);
    expect(got.some((x) => x.start.startsWith('1997-09-04'))).toBe(false);
    expect(got.find((x) => x.start.startsWith('1997-09-05'))).toEqual({
      uid: 'daily@rfc5545',
      summary: 'Daily (moved)',
      start: '1997-09-05T14:00:00-04:00',
      end: '1997-09-05T15:00:00-04:00',
      allDay: false,
      recurrenceId: '1997-09-05T09:00:00-04:00',
    });
    // Only what overlaps the range: 6–8 September.
    const window = expandObject(
      ics,
      new Date('1997-09-06T00:00:00-04:00'),
      new Date('1997-09-09T00:00:00-04:00'),
      NY,
    );
    expect(starts(window)).toEqual([
      '1997-09-06T09:00:00-04:00',
      '1997-09-07T09:00:00-04:00',
      '1997-09-08T09:00:00-04:00',
    ]);
  });

  it('all-day weekly events as dates, in the range only', () => {
    const ics = cal(
      vevent([
        'UID:allday@test',
        'SUMMARY:On call',
        'DTSTART;VALUE=DATE:20261207',
        'DTEND;VALUE=DATE:20261208',
        'RRULE:FREQ=WEEKLY;COUNT=3',
      ]),
    );
    const got = expandObject(
      ics,
      new Date('2026-12-10T00:00:00Z'),
      new Date('2027-01-01T00:00:00Z'),
      'Europe/Berlin',
    );
    expect(got).toEqual([
      {
        uid: 'allday@test',
        summary: 'On call',
        start: '2026-12-14',
        end: '2026-12-15',
        allDay: true,
        recurrenceId: '2026-12-14',
      },
      {
        uid: 'allday@test',
        summary: 'On call',
        start: '2026-12-21',
        end: '2026-12-22',
        allDay: true,
        recurrenceId: '2026-12-21',
      },
    ]);
  });

  it('refuses what is not iCalendar with a coded error', () => {
    expect(() => expandObject('hello', new Date(0), new Date(1), NY)).toThrow(
      expect.objectContaining({ code: 'CALENDAR_BAD_OBJECT' }),
    );
  });
});

describe('draftToIcs', () => {
  it('writes the voice sentence as an event with an ATTENDEE (so Nextcloud invites) that reads back the same', () => {
    const now = new Date('2026-03-07T15:00:00Z');
    const draft = parseEventRequest(
      'add a meeting tomorrow at 2 pm with Dr. Smith for 30 minutes',
      {
        now,
        zone: NY,
      },
    );
    const ics = draftToIcs(draft, {
      uid: 'u-1',
      now,
      attendees: [{ name: 'Dr. Smith', email: 'smith@clinic.example' }],
      organizer: { name: 'Alice', email: 'alice@clinic.example' },
    });
    const unfolded = ics.replace(/\r\n /g, '');
    expect(unfolded).toContain('DTSTART:20260308T180000Z');
    expect(unfolded).toContain('DTEND:20260308T183000Z');
    expect(unfolded).toMatch(
      /ATTENDEE;CN=Dr\. Smith;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:smith@clinic\.example/,
    );
    expect(unfolded).toContain('ORGANIZER;CN=Alice:mailto:alice@clinic.example');
    expect(
      expandObject(ics, new Date('2026-03-08T00:00:00Z'), new Date('2026-03-09T00:00:00Z'), NY),
    ).toEqual([
      {
        uid: 'u-1',
        summary: 'Meeting with Dr. Smith',
        start: '2026-03-08T14:00:00-04:00',
        end: '2026-03-08T14:30:00-04:00',
        allDay: false,
        recurrenceId: null,
      },
    ]);
  });
});
