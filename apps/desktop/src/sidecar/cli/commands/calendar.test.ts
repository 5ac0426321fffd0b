import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type GatewayFixture } from '@voiceassist/tests/harness/gateway.js';
import {
  startNextcloudStandin,
  type NextcloudStandin,
} from '@voiceassist/tests/harness/nextcloud.js';
import { NextcloudClient } from '../../calendar/nextcloud-client.js';
import type { CliIO } from '../io.js';
import { main } from '../main.js';

/**
 * `voiceassist calendar` end to end: the real sync server (embedded PostgreSQL) relaying to real
 * Radicale behind Apache at Nextcloud's CalDAV path; the person connected through Login Flow v2.
 */
let dir: string;
let nc: NextcloudStandin;
let gw: GatewayFixture;
let env: NodeJS.ProcessEnv;

async function run(args: string[], stdin: string[] = [], interactive = false) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const io: CliIO = {
    stdin: Readable.from(stdin.map((l) => `${l}\n`)),
    stdout,
    stderr,
    env,
    cwd: dir,
    interactive,
  };
  const code = await main(args, io);
  return { code, out, err };
}

const NY = ['--zone', 'America/New_York'];
// The day before the United States move to daylight saving time (2026-03-08 02:00 local).
const NOW = ['--now', '2026-03-07T10:00:00-05:00'];

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-cal-cli-'));
  nc = await startNextcloudStandin([{ name: 'alice', password: 'alice-app-password' }]);
  nc.makeCalendar('alice', 'personal', 'Personal');
  gw = await startGateway({
    env: { NEXTCLOUD_URL: nc.url, NEXTCLOUD_KEYS_FILE: path.join(dir, 'nextcloud-keys.json') },
  });
  env = { VOICEASSIST_SERVER_URL: gw.url, VOICEASSIST_DEVICE_KEY: gw.deviceKey };
  await fs.writeFile(
    path.join(dir, 'contacts.json'),
    JSON.stringify([{ name: 'Dr. Smith', email: 'smith@clinic.example' }]),
  );
}, 120_000);
afterAll(async () => {
  await gw.close();
  await nc.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('voiceassist calendar (sync server → Radicale)', () => {
  it('before connecting: a coded error a person can act on', async () => {
    const r = await run(['calendar', 'list', '--from', '2026-03-01', '--to', '2026-03-02', ...NY]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('not connected');
  });

  it('connects through Login Flow v2 (the workstation never sees the app password)', async () => {
    const client = new NextcloudClient({ serverUrl: gw.url, token: () => gw.deviceKey });
    const { flowId, loginUrl } = await client.loginStart();
    expect(await client.loginPoll(flowId)).toEqual({ state: 'pending', login: null });
    nc.loginFlow.grant(loginUrl, 'alice', 'alice-app-password');
    expect(await client.loginPoll(flowId)).toEqual({ state: 'connected', login: 'alice' });
    expect(JSON.stringify(await client.status())).not.toContain('alice-app-password');
  });

  it('add without --yes and without a terminal shows the event and writes nothing', async () => {
    const r = await run([
      'calendar',
      'add',
      'add a meeting tomorrow at 2 pm with Dr. Smith',
      ...NY,
      ...NOW,
    ]);
    expect(r.code).toBe(0);
    expect(r.err).toContain('Not written');
    const list = await run([
      'calendar',
      'list',
      '--from',
      '2026-03-08',
      '--to',
      '2026-03-09',
      '--json',
      ...NY,
    ]);
    expect(JSON.parse(list.out)).toEqual([]);
  });

  it('the voice sentence: asked, confirmed, written with the attendee; listed back in local time', async () => {
    const sentence = 'add a meeting tomorrow at 2 pm with Dr. Smith for 30 minutes';
    const declined = await run(['calendar', 'add', sentence, ...NY, ...NOW], ['n'], true);
    expect(declined.err).toContain('Add "Meeting with Dr. Smith" from 2026-03-08T14:00:00-04:00');
    const r = await run(
      [
        'calendar',
        'add',
        sentence,
        '--json',
        '--contacts',
        'contacts.json',
        '--organizer',
        'alice@clinic.example',
        ...NY,
        ...NOW,
      ],
      ['y'],
      true,
    );
    expect(r.code).toBe(0);
    const added = JSON.parse(r.out) as Record<string, unknown>;
    expect(added).toMatchObject({
      written: true,
      calendar: 'personal',
      summary: 'Meeting with Dr. Smith',
      start: '2026-03-08T14:00:00-04:00',
      end: '2026-03-08T14:30:00-04:00',
      allDay: false,
      attendees: [{ name: 'Dr. Smith', email: 'smith@clinic.example' }],
      conflicts: [],
    });
    // In Radicale's storage as iCalendar, with the ATTENDEE Nextcloud would invite.
    const stored = await fs.readFile(
      path.join(nc.dir, 'collections', 'collection-root', 'alice', 'personal', String(added.name)),
      'utf8',
    );
    expect(stored.replace(/\r\n /g, '')).toContain('mailto:smith@clinic.example');
    const list = await run([
      'calendar',
      'list',
      '--from',
      '2026-03-08',
      '--to',
      '2026-03-09',
      '--json',
      ...NY,
    ]);
    expect(JSON.parse(list.out)).toEqual([
      {
        uid: added.uid,
        summary: 'Meeting with Dr. Smith',
        start: '2026-03-08T14:00:00-04:00',
        end: '2026-03-08T14:30:00-04:00',
        allDay: false,
        recurrenceId: null,
      },
    ]);
    // The same time again: the overlap is flagged before anything is written.
    const again = await run([
      'calendar',
      'add',
      'add a call tomorrow at 2:15 pm',
      '--json',
      ...NY,
      ...NOW,
    ]);
    expect(JSON.parse(again.out)).toMatchObject({
      written: false,
      conflicts: [{ summary: 'Meeting with Dr. Smith' }],
    });
  });

  it('lists a recurring event written by another client expanded, with its EXDATE left out', async () => {
    const ics = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//test//EN',
      'BEGIN:VEVENT',
      'UID:rounds@test',
      'DTSTAMP:20260301T000000Z',
      'DTSTART:20260309T130000Z',
      'DTEND:20260309T140000Z',
      'SUMMARY:Ward rounds',
      'RRULE:FREQ=DAILY;COUNT=5',
      'EXDATE:20260311T130000Z',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    const client = new NextcloudClient({ serverUrl: gw.url, token: () => gw.deviceKey });
    await client.putObject({ calendar: 'personal', name: 'rounds.ics', ics });
    const list = await run([
      'calendar',
      'list',
      '--from',
      '2026-03-09',
      '--to',
      '2026-03-16',
      '--json',
      ...NY,
    ]);
    const rounds = (JSON.parse(list.out) as { uid: string; start: string }[]).filter(
      (e) => e.uid === 'rounds@test',
    );
    expect(rounds.map((e) => e.start)).toEqual([
      '2026-03-09T09:00:00-04:00',
      '2026-03-10T09:00:00-04:00',
      '2026-03-12T09:00:00-04:00',
      '2026-03-13T09:00:00-04:00',
    ]);
  });

  it('change: "move the ward rounds on Thursday to 11 am" moves that occurrence only; "cancel" asks first', async () => {
    const moved = await run([
      'calendar',
      'change',
      'move the ward rounds on Thursday to 11 am',
      '--yes',
      '--json',
      ...NY,
      ...NOW,
    ]);
    expect(moved.code).toBe(0);
    expect(JSON.parse(moved.out)).toMatchObject({
      written: true,
      kind: 'move',
      occurrence: true,
      event: { start: '2026-03-12T09:00:00-04:00' },
      to: { start: '2026-03-12T11:00:00-04:00' },
    });
    const list = await run([
      'calendar',
      'list',
      '--from',
      '2026-03-09',
      '--to',
      '2026-03-16',
      '--json',
      ...NY,
    ]);
    const rounds = (JSON.parse(list.out) as { uid: string; start: string }[]).filter(
      (e) => e.uid === 'rounds@test',
    );
    expect(rounds.map((e) => e.start)).toEqual([
      '2026-03-09T09:00:00-04:00',
      '2026-03-10T09:00:00-04:00',
      '2026-03-12T11:00:00-04:00',
      '2026-03-13T09:00:00-04:00',
    ]);
    const asked = await run([
      'calendar',
      'change',
      'cancel the meeting with Dr. Smith',
      ...NY,
      ...NOW,
    ]);
    expect(asked.code).toBe(0);
    expect(asked.err).toContain('Cancel "Meeting with Dr. Smith" on Sunday 8 March, 2:00 PM?');
    expect(asked.err).toContain('Not written');
  });
});
