import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type GatewayFixture } from '@voiceassist/tests/harness/gateway.js';
import {
  startNextcloudStandin,
  type NextcloudStandin,
} from '@voiceassist/tests/harness/nextcloud.js';
import { openDatabase, type Db } from '../store/database.js';
import { changeText, type FindOutcome, type PreparedChange } from './edits.js';
import { NextcloudClient } from './nextcloud-client.js';
import { CalendarOutbox } from './outbox.js';
import { CalendarService } from './service.js';

/**
 * Move and cancel, by sentence and by choice, against the real sync server relaying to Radicale
 * (behind Apache at Nextcloud's CalDAV path); the outbox in a real SQLCipher store.
 */
let dir: string;
let nc: NextcloudStandin;
let gw: GatewayFixture;
let db: Db;
let client: NextcloudClient;
let service: CalendarService;
const zone = 'Europe/Berlin';
// Wednesday 2026-12-09 09:00 in Berlin.
const now = () => new Date('2026-12-09T08:00:00Z');
const day = (d: string) =>
  [new Date(`${d}T00:00:00+01:00`), new Date(`${d}T23:59:59+01:00`)] as const;

const STANDUP = `BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//EN\r
BEGIN:VTIMEZONE\r
TZID:Europe/Berlin\r
BEGIN:STANDARD\r
DTSTART:19701025T030000\r
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
DTSTART:19700329T020000\r
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
END:DAYLIGHT\r
END:VTIMEZONE\r
BEGIN:VEVENT\r
UID:standup@test\r
DTSTAMP:20261201T000000Z\r
DTSTART;TZID=Europe/Berlin:20261207T090000\r
DTEND;TZID=Europe/Berlin:20261207T091500\r
RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR\r
SUMMARY:Standup\r
END:VEVENT\r
END:VCALENDAR\r
`;

async function add(text: string, calendar?: string): Promise<void> {
  await service.write(await service.prepare(text, calendar));
}

function ready(o: FindOutcome | undefined): PreparedChange {
  if (o?.status !== 'ready') throw new Error(`not ready: ${JSON.stringify(o)}`);
  return o.change;
}

const summaries = async (d: string) =>
  (await service.list(...day(d))).map((e) => `${e.summary} ${e.start.slice(11, 16)}`);

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-cal-changes-'));
  nc = await startNextcloudStandin([{ name: 'alice', password: 'alice-app-password' }]);
  nc.makeCalendar('alice', 'personal', 'Personal');
  gw = await startGateway({
    env: {
      NEXTCLOUD_URL: nc.url,
      NEXTCLOUD_KEYS_FILE: path.join(dir, 'keys.json'),
      NEXTCLOUD_TIMEOUT_MS: '3000',
    },
  });
  client = new NextcloudClient({ serverUrl: gw.url, token: () => gw.deviceKey });
  const { flowId, loginUrl } = await client.loginStart();
  nc.loginFlow.grant(loginUrl, 'alice', 'alice-app-password');
  await client.loginPoll(flowId);
  db = openDatabase({ file: path.join(dir, 'store.db'), key: Buffer.alloc(32, 0x5a) });
  service = new CalendarService(client, { zone, now, outbox: new CalendarOutbox(db, now) });
  await client.putObject({ calendar: 'personal', name: 'standup.ics', ics: STANDUP });
}, 120_000);
afterAll(async () => {
  db.close();
  await gw.close();
  await nc.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('CalendarService: move and cancel (sync server → Radicale)', () => {
  it('"move my 3 pm to Friday": read back, written only when applied, same length', async () => {
    await add('add a staff meeting tomorrow at 3 pm for 45 minutes');
    const change = ready(await service.prepareMove('move my 3 pm to Friday'));
    expect(changeText(change, zone)).toBe(
      'Move "Staff meeting" from Thursday 10 December, 3:00 PM to Friday 11 December, 3:00 PM?',
    );
    expect(await summaries('2026-12-10')).toContain('Staff meeting 15:00');
    expect(await service.apply(change)).toMatchObject({ status: 'written' });
    expect(await summaries('2026-12-10')).not.toContain('Staff meeting 15:00');
    const [moved] = (await service.list(...day('2026-12-11'))).filter(
      (e) => e.summary === 'Staff meeting',
    );
    expect(moved).toMatchObject({
      start: '2026-12-11T15:00:00+01:00',
      end: '2026-12-11T15:45:00+01:00',
    });
  });

  it('one occurrence of a repeating event moves alone (RECURRENCE-ID override)', async () => {
    const change = ready(await service.prepareMove("move tomorrow's standup to 10"));
    expect(change.occurrence).toBe(true);
    await service.apply(change);
    expect(await summaries('2026-12-10')).toContain('Standup 10:00');
    expect(await summaries('2026-12-11')).toContain('Standup 09:00');
    expect(await summaries('2026-12-14')).toContain('Standup 09:00');
  });

  it('"cancel the standup on Friday": that occurrence only (EXDATE); the override stays', async () => {
    const change = ready(await service.prepareCancel('cancel the standup on Friday'));
    expect(changeText(change, zone)).toBe(
      'Cancel "Standup" on Friday 11 December, 9:00 AM (only this one; the rest of the series stays)?',
    );
    await service.apply(change);
    expect(await summaries('2026-12-11')).not.toContain('Standup 09:00');
    expect(await summaries('2026-12-10')).toContain('Standup 10:00');
    expect(await summaries('2026-12-14')).toContain('Standup 09:00');
  });

  it('"cancel the staff meeting": the event is deleted', async () => {
    const change = ready(await service.prepareCancel('cancel the staff meeting'));
    expect(change.ics).toBeNull();
    expect(await service.apply(change)).toMatchObject({ status: 'written' });
    expect((await service.list(...day('2026-12-11'))).map((e) => e.summary)).not.toContain(
      'Staff meeting',
    );
  });

  it('two events match: both offered, nothing chosen for the person', async () => {
    await add('add a case review on Monday at 11');
    await add('add a case review on Tuesday at 11');
    const r = await service.prepareCancel('cancel the case review');
    expect(r?.status).toBe('ambiguous');
    expect(r?.status === 'ambiguous' && r.candidates.map((c) => c.instance.start)).toEqual([
      '2026-12-14T11:00:00+01:00',
      '2026-12-15T11:00:00+01:00',
    ]);
  });

  it('nothing matches: a coded error to act on', async () => {
    await expect(service.prepareCancel('cancel the board meeting')).rejects.toMatchObject({
      code: 'CALENDAR_EVENT_NOT_FOUND',
    });
  });

  it('stale ETag: changed in Nextcloud after it was read → nothing overwritten, the new version comes back to ask', async () => {
    const change = ready(await service.prepareMove('move the case review on Monday to 2 pm'));
    // Someone retitles it in Nextcloud meanwhile.
    const o = await client.object(change.event.calendar, change.event.name);
    await client.putObject({
      calendar: o.calendar,
      name: o.name,
      ics: o.ics.replace('SUMMARY:Case review', 'SUMMARY:Case review (room 2)'),
      ...(o.etag ? { etag: o.etag } : {}),
    });
    const r = await service.apply(change);
    expect(r.status).toBe('changed');
    expect(r.status === 'changed' && r.latest?.instance).toMatchObject({
      summary: 'Case review (room 2)',
      start: '2026-12-14T11:00:00+01:00',
    });
    expect(await summaries('2026-12-14')).toContain('Case review (room 2) 11:00');
  });

  it("the view's choice with an old ETag is shown again as it is now, not prepared", async () => {
    const [e] = (await service.findEvents(...day('2026-12-14'))).filter((f) =>
      f.instance.summary.startsWith('Case review'),
    );
    if (!e) throw new Error('no case review');
    const sel = { calendar: e.calendar, name: e.name, uid: e.instance.uid, recurrenceId: null };
    const r = await service.prepareCancelOf({ ...sel, etag: '"not-the-current-one"' });
    expect(r.status).toBe('changed');
    const ok = await service.prepareMoveOf(
      { ...sel, etag: e.etag },
      { start: '2026-12-14T13:00:00+01:00', end: '2026-12-14T14:00:00+01:00', allDay: false },
    );
    expect(ok.status).toBe('ready');
  });

  it('Nextcloud unreachable: the change waits in the encrypted store and is written when it is back', async () => {
    const change = ready(await service.prepareCancel('cancel the case review on Tuesday'));
    await nc.stopFront();
    try {
      const r = await service.apply(change);
      expect(r.status).toBe('queued');
      expect(service.queued()).toMatchObject([
        { kind: 'cancel', summary: 'Case review', state: 'pending' },
      ]);
      expect(await service.flush()).toEqual({ written: 0, conflicts: 0, failed: 0, waiting: 1 });
    } finally {
      await nc.startFront();
    }
    expect(await service.flush()).toEqual({ written: 1, conflicts: 0, failed: 0, waiting: 0 });
    expect(service.queued()).toEqual([]);
    expect(await summaries('2026-12-15')).not.toContain('Case review 11:00');
  });

  it('the sync server unreachable: queued as well; a new event confirmed offline is added later', async () => {
    const prepared = await service.prepare('add a team lunch on Thursday at 12:30');
    const offline = new CalendarService(
      new NextcloudClient({
        serverUrl: 'http://127.0.0.1:9',
        token: () => gw.deviceKey,
        timeoutMs: 2000,
      }),
      { zone, now, outbox: new CalendarOutbox(db, now) },
    );
    expect(await offline.confirmAdd(prepared)).toMatchObject({ status: 'queued' });
    expect(await service.flush()).toMatchObject({ written: 1, waiting: 0 });
    expect(await summaries('2026-12-10')).toContain('Team lunch 12:30');
  });

  it('queued, then changed in Nextcloud before it could be written: kept as a conflict, not written; reviewed afresh', async () => {
    const change = ready(await service.prepareMove('move the team lunch to 1 pm'));
    await nc.stopFront();
    try {
      expect((await service.apply(change)).status).toBe('queued');
    } finally {
      await nc.startFront();
    }
    const o = await client.object(change.event.calendar, change.event.name);
    await client.putObject({
      calendar: o.calendar,
      name: o.name,
      ics: o.ics.replace('SUMMARY:Team lunch', 'SUMMARY:Team lunch (cafeteria)'),
      ...(o.etag ? { etag: o.etag } : {}),
    });
    expect(await service.flush()).toEqual({ written: 0, conflicts: 1, failed: 0, waiting: 0 });
    expect(await summaries('2026-12-10')).toContain('Team lunch (cafeteria) 12:30');
    const [q] = service.queued();
    expect(q).toMatchObject({ state: 'conflict', code: 'NEXTCLOUD_CONFLICT' });
    const again = await service.reviewQueued(q?.id ?? -1);
    expect(again?.status === 'ready' && changeText(again.change, zone)).toBe(
      'Move "Team lunch (cafeteria)" from Thursday 10 December, 12:30 PM to Thursday 10 December, 1:00 PM?',
    );
    expect(service.queued()).toEqual([]);
  });

  it('errors a person can act on: calendar read-only, app password revoked', async () => {
    nc.makeCalendar('alice', 'readonly', 'Clinic rota');
    const file = path.join(
      nc.dir,
      'collections',
      'collection-root',
      'alice',
      'readonly',
      'rota.ics',
    );
    await fs.writeFile(
      file,
      STANDUP.replace('standup@test', 'rota@test').replace('Standup', 'Rota check'),
    );
    nc.fixPermissions();
    await expect(service.prepareCancel('cancel the rota check tomorrow')).rejects.toMatchObject({
      code: 'NEXTCLOUD_READ_ONLY',
      message: expect.stringContaining('read-only') as string,
    });
    nc.setPassword('alice', 'changed-elsewhere');
    try {
      await expect(service.prepareMove('move my 9 am to 10')).rejects.toMatchObject({
        code: 'NEXTCLOUD_AUTH_REVOKED',
        message: expect.stringContaining('connect your account again') as string,
      });
    } finally {
      nc.setPassword('alice', 'alice-app-password');
    }
  });
});
