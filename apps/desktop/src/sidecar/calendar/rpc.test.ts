import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type GatewayFixture } from '@voiceassist/tests/harness/gateway.js';
import {
  startNextcloudStandin,
  type NextcloudStandin,
} from '@voiceassist/tests/harness/nextcloud.js';
import { CALLS, type CallName } from '../../shared/contract.js';
import { openDatabase, type Db } from '../store/database.js';
import { NextcloudClient } from './nextcloud-client.js';
import { CalendarRpc, CHANGED_MESSAGE, QUEUED_MESSAGE } from './rpc.js';

/** The Calendar view's calls against the real sync server and Radicale; outputs checked against the contract. */
let dir: string;
let nc: NextcloudStandin;
let gw: GatewayFixture;
let db: Db;
let rpc: CalendarRpc;
const now = () => new Date('2026-12-09T08:00:00Z');
const DAY = { from: '2026-12-10T00:00:00+01:00', to: '2026-12-11T00:00:00+01:00' };

function valid<T>(name: CallName, out: T): T {
  expect(Value.Check(CALLS[name].output, out)).toBe(true);
  return out;
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-cal-rpc-'));
  nc = await startNextcloudStandin([{ name: 'alice', password: 'alice-app-password' }]);
  nc.makeCalendar('alice', 'personal', 'Personal');
  gw = await startGateway({
    env: {
      NEXTCLOUD_URL: nc.url,
      NEXTCLOUD_KEYS_FILE: path.join(dir, 'keys.json'),
      NEXTCLOUD_TIMEOUT_MS: '3000',
    },
  });
  const client = new NextcloudClient({ serverUrl: gw.url, token: () => gw.deviceKey });
  const { flowId, loginUrl } = await client.loginStart();
  nc.loginFlow.grant(loginUrl, 'alice', 'alice-app-password');
  await client.loginPoll(flowId);
  db = openDatabase({ file: path.join(dir, 'store.db'), key: Buffer.alloc(32, 0x33) });
  rpc = new CalendarRpc({
    env: {
      VOICEASSIST_SERVER_URL: gw.url,
      VOICEASSIST_DEVICE_KEY: gw.deviceKey,
      VOICEASSIST_TIME_ZONE: 'Europe/Berlin',
    },
    store: () => Promise.resolve(db),
    now,
  });
}, 120_000);
afterAll(async () => {
  db.close();
  await gw.close();
  await nc.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('calendar.* calls (sync server → Radicale)', () => {
  it('status: not configured without a server; configured and connected with one', async () => {
    const none = new CalendarRpc({ env: {}, store: () => Promise.resolve(undefined) });
    expect(await none.status()).toMatchObject({ configured: false, state: 'not_configured' });
    expect(valid('calendar.status', await rpc.status())).toMatchObject({
      configured: true,
      state: 'connected',
      login: 'alice',
      zone: 'Europe/Berlin',
    });
  });

  it('a sentence becomes a card; nothing is written until confirmed', async () => {
    const r = valid(
      'calendar.prepare',
      await rpc.prepare({ text: 'add a ward round tomorrow at 3 pm' }),
    );
    if (r.status !== 'ready') throw new Error(r.status);
    expect(r.card.kind).toBe('add');
    expect((await rpc.events(DAY.from, DAY.to)).events).toEqual([]);
    expect(valid('calendar.confirm', await rpc.confirm(r.card.id, true))).toMatchObject({
      status: 'written',
      message: 'Added "Ward round".',
    });
    await expect(rpc.confirm(r.card.id, true)).rejects.toMatchObject({
      code: 'CALENDAR_CARD_EXPIRED',
    });
    expect(valid('calendar.events', await rpc.events(DAY.from, DAY.to))).toMatchObject({
      events: [
        { summary: 'Ward round', start: '2026-12-10T15:00:00+01:00', calendarName: 'Personal' },
      ],
      queued: [],
    });
  });

  it('the view edits with the ETag it showed: an old one gets the event as it is now', async () => {
    const [e] = (await rpc.events(DAY.from, DAY.to)).events;
    if (!e) throw new Error('no event');
    const sel = { calendar: e.calendar, name: e.name, uid: e.uid, recurrenceId: e.recurrenceId };
    expect(await rpc.prepare({ cancel: { ...sel, etag: '"old"' } })).toMatchObject({
      status: 'changed',
      message: CHANGED_MESSAGE,
      latest: { summary: 'Ward round' },
    });
    const move = await rpc.prepare({
      move: { ...sel, etag: e.etag },
      start: '2026-12-10T16:00:00+01:00',
      end: '2026-12-10T17:00:00+01:00',
      allDay: false,
    });
    if (move.status !== 'ready') throw new Error(move.status);
    expect(move.card.text).toBe(
      'Move "Ward round" from Thursday 10 December, 3:00 PM to Thursday 10 December, 4:00 PM?',
    );
    expect(await rpc.confirm(move.card.id, true)).toMatchObject({
      status: 'written',
      message: 'Moved "Ward round" to Thursday 10 December, 4:00 PM.',
    });
  });

  it('offline: the cancel is queued and listed; written on the next read once Nextcloud is back', async () => {
    const r = await rpc.prepare({ text: 'cancel the ward round' });
    if (r.status !== 'ready') throw new Error(r.status);
    await nc.stopFront();
    try {
      expect(await rpc.confirm(r.card.id, true)).toMatchObject({
        status: 'queued',
        message: QUEUED_MESSAGE,
      });
      expect(valid('calendar.events', await rpc.events(DAY.from, DAY.to))).toMatchObject({
        events: [],
        queued: [{ kind: 'cancel', summary: 'Ward round', state: 'pending' }],
        error: { code: 'NEXTCLOUD_UNREACHABLE' },
      });
    } finally {
      await nc.startFront();
    }
    expect(await rpc.events(DAY.from, DAY.to)).toEqual({ events: [], queued: [] });
  });
});
