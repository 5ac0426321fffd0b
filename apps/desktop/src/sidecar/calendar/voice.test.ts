import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type GatewayFixture } from '@voiceassist/tests/harness/gateway.js';
import {
  startNextcloudStandin,
  type NextcloudStandin,
} from '@voiceassist/tests/harness/nextcloud.js';
import { NextcloudClient } from './nextcloud-client.js';
import { CalendarService } from './service.js';
import { CalendarVoice, detectCalendarIntent } from './voice.js';

describe('detectCalendarIntent', () => {
  it.each([
    ['Add a meeting tomorrow at 2 pm with Dr. Smith', 'add'],
    ['schedule the staff meeting on Friday at 9', 'add'],
    ["what's next today?", 'next'],
    ['Am I free Thursday afternoon?', 'free'],
    ['move my 3 pm to Friday', 'change'],
    ['cancel the staff meeting', 'change'],
  ])('%s → %s', (text, kind) => {
    expect(detectCalendarIntent(text)?.kind).toBe(kind);
  });
  it.each([
    'add aspirin to the medication list',
    'what is the dose of amoxicillin for otitis media?',
  ])('not the calendar: %s', (text) => {
    expect(detectCalendarIntent(text)).toBeUndefined();
  });
});

/** By voice, against the real sync server and Radicale (the transcript is what STT heard). */
describe('CalendarVoice (sync server → Radicale)', () => {
  let dir: string;
  let nc: NextcloudStandin;
  let gw: GatewayFixture;
  let voice: CalendarVoice;
  let service: CalendarService;
  const zone = 'Europe/Berlin';
  // Wednesday 2026-12-09 09:00 in Berlin.
  const now = () => new Date('2026-12-09T08:00:00Z');

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-cal-voice-'));
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
    service = new CalendarService(client, {
      zone,
      now,
      contacts: [{ name: 'Dr. Smith', email: 'smith@clinic.example' }],
    });
    voice = new CalendarVoice(service, { zone, now });
  }, 120_000);
  afterAll(async () => {
    await gw.close();
    await nc.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('reads the event back and writes nothing until the person says yes', async () => {
    const asked = await voice.handle('Add a meeting tomorrow at 2 pm with Dr. Smith');
    expect(asked?.speech).toBe(
      'Add "Meeting with Dr. Smith" from 2026-12-10T14:00:00+01:00 to 2026-12-10T15:00:00+01:00 to Personal; inviting Dr. Smith?',
    );
    expect(asked?.spoken).toBe(
      'Add Meeting with Dr. Smith tomorrow from 2:00 PM to 3:00 PM, to Personal; inviting Dr. Smith?',
    );
    expect(
      await service.list(new Date('2026-12-10T00:00:00Z'), new Date('2026-12-11T00:00:00Z')),
    ).toEqual([]);
    const done = await voice.handle('yes');
    expect(done?.speech).toBe('Added Meeting with Dr. Smith.');
    expect(done?.written?.calendar).toBe('personal');
    const [ev] = await service.list(
      new Date('2026-12-10T00:00:00Z'),
      new Date('2026-12-11T00:00:00Z'),
    );
    expect(ev).toMatchObject({
      summary: 'Meeting with Dr. Smith',
      start: '2026-12-10T14:00:00+01:00',
    });
  });

  it('"no" drops it', async () => {
    await voice.handle('schedule a case review on Friday at 11');
    expect(voice.awaiting?.draft.summary).toBe('Case review');
    expect((await voice.handle('no'))?.speech).toBe('Okay, I did not add it.');
    expect(
      await service.list(new Date('2026-12-11T00:00:00Z'), new Date('2026-12-12T00:00:00Z')),
    ).toEqual([]);
  });

  it('answers "am I free" and "what is next" from the calendar', async () => {
    expect((await voice.handle('Am I free tomorrow afternoon?'))?.speech).toBe(
      'No, you have Meeting with Dr. Smith at 2:00 PM tomorrow afternoon.',
    );
    expect((await voice.handle('Am I free Friday afternoon?'))?.speech).toBe(
      'Yes, you are free Friday afternoon.',
    );
    expect((await voice.handle("what's next today?"))?.speech).toBe(
      'Nothing else on your calendar today.',
    );
    expect(await voice.handle('what is the dose of amoxicillin?')).toBeUndefined();
  });

  it('"move my 2 pm to Friday" is read back and moved only after yes; the event keeps its length', async () => {
    const asked = await voice.handle('move my 2 pm tomorrow to Friday at 4 pm');
    expect(asked?.speech).toBe(
      'Move "Meeting with Dr. Smith" from Thursday 10 December, 2:00 PM to Friday 11 December, 4:00 PM?',
    );
    expect(
      await service.list(new Date('2026-12-11T00:00:00Z'), new Date('2026-12-12T00:00:00Z')),
    ).toEqual([]);
    expect((await voice.handle('yes'))?.speech).toBe('Moved Meeting with Dr. Smith.');
    const [ev] = await service.list(
      new Date('2026-12-11T00:00:00Z'),
      new Date('2026-12-12T00:00:00Z'),
    );
    expect(ev).toMatchObject({
      summary: 'Meeting with Dr. Smith',
      start: '2026-12-11T16:00:00+01:00',
      end: '2026-12-11T17:00:00+01:00',
    });
  });

  it('two matching events: asks which, "the second one" is read back, then cancelled on yes', async () => {
    for (const text of [
      'add a staff meeting on Monday at 9',
      'add a staff meeting on Tuesday at 9',
    ]) {
      await voice.handle(text);
      expect((await voice.handle('yes'))?.speech).toBe('Added Staff meeting.');
    }
    const which = await voice.handle('cancel the staff meeting');
    expect(which?.speech).toBe(
      'Which one: "Staff meeting" on Monday 14 December, 9:00 AM, or "Staff meeting" on Tuesday 15 December, 9:00 AM?',
    );
    expect(which?.options).toEqual([
      'First: Staff meeting, Monday 14 December, 9:00 AM',
      'Second: Staff meeting, Tuesday 15 December, 9:00 AM',
    ]);
    expect((await voice.handle('the second one'))?.speech).toBe(
      'Cancel "Staff meeting" on Tuesday 15 December, 9:00 AM?',
    );
    expect((await voice.handle('yes'))?.speech).toBe('Cancelled Staff meeting.');
    const left = await service.list(
      new Date('2026-12-14T00:00:00Z'),
      new Date('2026-12-16T00:00:00Z'),
    );
    expect(left.map((e) => e.start)).toEqual(['2026-12-14T09:00:00+01:00']);
  });

  it('"no" to a read-back change changes nothing', async () => {
    expect((await voice.handle("cancel Monday's staff meeting"))?.speech).toBe(
      'Cancel "Staff meeting" on Monday 14 December, 9:00 AM?',
    );
    expect((await voice.handle('no'))?.speech).toBe('Okay, I changed nothing.');
    expect(
      await service.list(new Date('2026-12-14T00:00:00Z'), new Date('2026-12-15T00:00:00Z')),
    ).toHaveLength(1);
  });

  it('Nextcloud unreachable: the coded message is what is spoken', async () => {
    await nc.stopFront();
    try {
      const r = await voice.handle('Am I free Friday afternoon?');
      expect(r?.code).toBe('NEXTCLOUD_UNREACHABLE');
      expect(r?.speech).toContain('could not be reached');
    } finally {
      await nc.startFront();
    }
  });
});
