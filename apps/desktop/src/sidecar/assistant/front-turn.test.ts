import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JFK_WAV, startGateway, type GatewayFixture } from '@voiceassist/tests/harness/gateway.js';
import {
  startNextcloudStandin,
  type NextcloudStandin,
} from '@voiceassist/tests/harness/nextcloud.js';
import { EVENTS } from '../../shared/contract.js';
import type { TurnRecordDto } from '../../shared/voice-turn.js';
import { NextcloudClient } from '../calendar/nextcloud-client.js';
import { CalendarService } from '../calendar/service.js';
import { wavToEngineAudio } from '../voice/analyze.js';
import { floatToInt16 } from '../voice/wav.js';
import { runRecordedTurn } from './recorded-turn.js';
import {
  openEngineFixture,
  type EngineFixture,
} from '../../../test-support/voice/engine-fixture.js';

const JFK = floatToInt16(wavToEngineAudio(readFileSync(JFK_WAV)));
/** The Deepgram stand-in reveals one word per 0.25 s of audio (4,000 samples at 16 kHz). */
const SAMPLES_PER_WORD = 4_000;
const CITED_REPLY =
  'Management depends on the kind of kidney disease [1]. Blood pressure control slows it [2].';

/** Kidney topics close enough that "kidney disease management" spans them (plus a specific one). */
const DOCS: Record<string, string> = {
  'aki-treatment':
    '# Acute Kidney Injury -- treatment\n\nAcute kidney injury management treats the cause, stops nephrotoxic drugs and manages fluids.',
  'ckd-treatment':
    '# Chronic Kidney Disease -- treatment\n\nChronic kidney disease management controls blood pressure and slows progression.',
  'ckd-info':
    '# Chronic Kidney Disease -- information\n\nChronic kidney disease is a gradual loss of kidney function.',
  'dkd-info':
    '# Diabetic Kidney Disease -- information\n\nDiabetic kidney disease management includes glucose control and ACE inhibitors.',
  gout: '# Gout -- treatment\n\nGout flares are treated with colchicine or NSAIDs; urate lowering prevents attacks.',
};

/** One voice turn in which the clinician says `words` (what the STT stand-in hears). */
async function speak(
  gw: GatewayFixture,
  fx: EngineFixture,
  words: string,
  conversationId?: string,
): Promise<TurnRecordDto> {
  gw.deepgram.faults.transcript = words;
  const n = words.split(' ').length + 1;
  return runRecordedTurn(fx.engine.service, JFK.subarray(0, n * SAMPLES_PER_WORD), {
    ...(conversationId ? { conversationId } : {}),
  });
}

async function ingestDocs(fx: EngineFixture): Promise<void> {
  const dir = path.join(fx.profileDir, 'kidney-docs');
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(DOCS))
    await writeFile(path.join(dir, `${name}.md`), text);
  await fx.engine.kb.ingest([dir]);
}

describe('every turn goes through the front (real sync server, provider stand-ins)', () => {
  let gw: GatewayFixture;
  let fx: EngineFixture;

  beforeAll(async () => {
    gw = await startGateway({ reply: CITED_REPLY });
    fx = await openEngineFixture(gw, { frontEnd: false });
    await ingestDocs(fx);
  }, 120_000);
  afterAll(async () => {
    await fx.close();
    await gw.close();
  });

  it('a spoken calculator turn asks for the missing input; the spoken reply completes it, result spoken with interpretation and source', async () => {
    const asked = await speak(gw, fx, 'Cockcroft-Gault, creatinine 1.3, 80 year old man');
    expect(asked.transcript).toBe('Cockcroft-Gault, creatinine 1.3, 80 year old man');
    expect(asked.generator).toBe('assistant:calculator');
    expect(asked.answer).toBe("What is the patient's weight?");
    expect(fx.of('assistant.prompt', asked.id)).toEqual([
      {
        turnId: asked.id,
        conversationId: asked.conversationId,
        intent: 'calculator',
        text: "What is the patient's weight?",
        options: [],
        awaiting: true,
      },
    ]);
    // Spoken through the gateway's TTS like any answer sentence.
    expect(asked.speech).toBe('gateway');
    expect(fx.of('voice.audio.chunk', asked.id).length).toBeGreaterThan(0);
    const llmBefore = gw.openai.requests.length;
    const done = await speak(gw, fx, '72 kilos', asked.conversationId);
    expect(done.status).toBe('complete');
    expect(done.answer).toMatch(
      /^Creatinine clearance is 46 millilitres per minute\..*Source: .*Cockcroft and colleagues, 1976\.$/,
    );
    expect(fx.of('voice.audio.chunk', done.id).length).toBeGreaterThan(0);
    expect(done.timings.firstAudio).not.toBeNull();
    // The reply was a calculator input: no answer was planned or sent ahead for "72 kilos".
    expect(gw.openai.requests.length).toBe(llmBefore);
  }, 60_000);

  it('a spoken calculator turn confirms an ambiguous unit before computing; "yes" by voice computes', async () => {
    const asked = await speak(gw, fx, 'CKD-EPI for creatinine 120, 67-year-old woman');
    expect(asked.answer).toBe('Serum creatinine 120 — is that µmol/L?');
    expect(fx.of('assistant.prompt', asked.id)[0]).toMatchObject({
      intent: 'calculator',
      options: ['µmol/L'],
      awaiting: true,
    });
    const done = await speak(gw, fx, 'yes', asked.conversationId);
    expect(done.answer).toMatch(/^eGFR is 43 millilitres per minute per 1\.73 square metres\./);
    expect(done.answer).toMatch(/Source: Inker and colleagues, 2021\.$/);
    expect(fx.of('voice.audio.chunk', done.id).length).toBeGreaterThan(0);
  }, 60_000);

  it('a broad question is asked back with options (spoken and shown); "the second one" answers from that topic', async () => {
    const asked = await speak(gw, fx, 'kidney disease management');
    const [prompt] = fx.of('assistant.prompt', asked.id);
    expect(prompt).toMatchObject({ intent: 'knowledge', awaiting: true });
    expect(prompt?.text).toMatch(/^Which do you mean: /);
    expect(prompt?.options.length).toBeGreaterThanOrEqual(2);
    expect(prompt?.options.length).toBeLessThanOrEqual(5);
    expect(fx.of('voice.audio.chunk', asked.id).length).toBeGreaterThan(0);
    const second = prompt?.options[1] ?? 'none';
    const done = await speak(gw, fx, 'the second one', asked.conversationId);
    expect(done.generator).toBe('llm:gateway');
    expect(done.sentences.length).toBeGreaterThan(0);
    const cited = done.sentences.flatMap((s) => s.citations.map((c) => c.title));
    expect(cited.length).toBeGreaterThan(0);
    for (const title of cited) expect(title).toContain(second);
    // The LLM was asked the narrowed question, from that topic's passages only.
    const body = gw.openai.requests.at(-1)?.body as { messages: { content: string }[] };
    expect(body.messages.at(-1)?.content).toContain(`kidney disease management (${second})`);
    expect(fx.of('assistant.prompt', done.id)).toEqual([]);
  }, 60_000);

  it('a specific question is never asked back, spoken or typed', async () => {
    const spoken = await speak(gw, fx, 'How is gout treated?');
    expect(fx.of('assistant.prompt', spoken.id)).toEqual([]);
    expect(spoken.generator).toBe('llm:gateway');
    const typed = fx.engine.service['assistant.ask']({ text: 'How is gout treated?' });
    await fx.engine.service.currentTurn?.done;
    expect(fx.of('assistant.prompt', typed.turnId)).toEqual([]);
    expect(fx.of('voice.turnDone', typed.turnId)[0]?.turn.generator).toBe('llm:gateway');
  }, 60_000);

  it('"stop" stops the speech playing; nothing more is said', async () => {
    const service = fx.engine.service;
    gw.elevenlabs.faults.chunkDelayMs = 150;
    try {
      const playing = service['assistant.ask']({ text: 'How is gout treated?', speak: true });
      const before = service.currentTurn;
      await fx.waitFor('voice.audio.chunk', (c) => c.turnId === playing.turnId);
      const stop = await speak(gw, fx, 'stop', playing.conversationId);
      await before?.done;
      expect(fx.of('voice.stopPlayback', playing.turnId)).toEqual([
        { turnId: playing.turnId, reason: 'barge-in-key' },
      ]);
      expect(fx.of('voice.turnDone', playing.turnId)[0]?.turn.status).toBe('cancelled');
      expect(fx.of('assistant.command', stop.id)).toEqual([{ turnId: stop.id, command: 'stop' }]);
      expect(stop.sentences).toEqual([]);
      expect(fx.of('voice.audio.chunk', stop.id)).toEqual([]);
      // Typed, the same.
      const again = service['assistant.ask']({ text: 'How is gout treated?', speak: true });
      await fx.waitFor('voice.audio.chunk', (c) => c.turnId === again.turnId);
      const typed = service['assistant.ask']({
        text: 'stop',
        conversationId: again.conversationId,
      });
      await service.currentTurn?.done;
      expect(fx.of('voice.stopPlayback', again.turnId)).toHaveLength(1);
      expect(fx.of('assistant.command', typed.turnId)).toEqual([
        { turnId: typed.turnId, command: 'stop' },
      ]);
    } finally {
      gw.elevenlabs.faults.chunkDelayMs = undefined;
    }
  }, 60_000);

  it('"repeat that" says the last answer again; "open the calculators" asks the window to show them', async () => {
    const first = await speak(gw, fx, 'GCS eyes 3 verbal 4 motor 6');
    expect(first.generator).toBe('assistant:calculator');
    const again = await speak(gw, fx, 'repeat that', first.conversationId);
    expect(fx.of('assistant.command', again.id)).toEqual([{ turnId: again.id, command: 'repeat' }]);
    expect(again.answer).toBe(first.answer);
    expect(fx.of('voice.audio.chunk', again.id).length).toBeGreaterThan(0);
    const open = await speak(gw, fx, 'open the calculators', first.conversationId);
    expect(fx.of('assistant.command', open.id)).toEqual([
      { turnId: open.id, command: 'open', view: 'calculators' },
    ]);
  }, 60_000);

  it('a calendar request without Nextcloud is answered honestly', async () => {
    const turn = await speak(gw, fx, 'add a meeting tomorrow at 2 pm with Dr. Smith');
    expect(turn.answer).toBe('Calendar is not set up on this workstation.');
    expect(fx.of('assistant.prompt', turn.id)[0]).toMatchObject({
      intent: 'calendar',
      awaiting: false,
    });
    expect(fx.of('voice.audio.chunk', turn.id).length).toBeGreaterThan(0);
  }, 60_000);

  it('every event above matches its contract schema', () => {
    const bad = fx.events.filter((e) => !Value.Check(EVENTS[e.name], e.payload));
    expect(bad.map((e) => e.name)).toEqual([]);
    expect(fx.of('assistant.prompt').length).toBeGreaterThan(0);
  });
});

describe('the calendar by voice (sync server → Radicale)', () => {
  let dir: string;
  let nc: NextcloudStandin;
  let gw: GatewayFixture;
  let fx: EngineFixture;
  let calendar: CalendarService;
  let client: NextcloudClient;
  const zone = 'Europe/Berlin';

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'va-front-cal-'));
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
    calendar = new CalendarService(client, { zone });
    fx = await openEngineFixture(gw, { frontEnd: false, env: { VOICEASSIST_TIME_ZONE: zone } });
  }, 120_000);
  afterAll(async () => {
    await fx.close();
    await gw.close();
    await nc.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('"add a meeting tomorrow at 2 pm with Dr. Smith" is read back, written only after a spoken yes', async () => {
    const tomorrow = DateTime.now().setZone(zone).plus({ days: 1 }).startOf('day');
    const range = [tomorrow.toJSDate(), tomorrow.plus({ days: 1 }).toJSDate()] as const;
    // The profile's contacts: Dr. Smith gets an invitation (ATTENDEE), as with the CLI.
    await writeFile(
      path.join(fx.profileDir, 'contacts.json'),
      JSON.stringify([{ name: 'Dr. Smith', email: 'smith@clinic.example' }]),
    );
    const asked = await speak(gw, fx, 'add a meeting tomorrow at 2 pm with Dr. Smith');
    const [prompt] = fx.of('assistant.prompt', asked.id);
    expect(prompt).toMatchObject({ intent: 'calendar', awaiting: true, options: ['Yes', 'No'] });
    // Read back in words for the ear (the card's ISO form is calendar/voice.ts `speech`).
    expect(prompt?.text).toBe(
      'Add Meeting with Dr. Smith tomorrow from 2:00 PM to 3:00 PM, to Personal; inviting Dr. Smith?',
    );
    expect(fx.of('voice.audio.chunk', asked.id).length).toBeGreaterThan(0);
    expect(await calendar.list(...range)).toEqual([]); // nothing written before the yes
    const done = await speak(gw, fx, 'yes', asked.conversationId);
    expect(done.answer).toBe('Added Meeting with Dr. Smith.');
    const events = await calendar.list(...range);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ summary: 'Meeting with Dr. Smith' });
    expect(DateTime.fromISO(events[0]?.start ?? '', { zone }).toFormat('HH:mm')).toBe('14:00');
    const [stored] = await client.events(
      'personal',
      range[0].toISOString(),
      range[1].toISOString(),
    );
    // Unfolded (RFC 5545 folds long lines): the attendee is on the written event.
    expect(stored?.ics.replace(/\r?\n[ \t]/g, '')).toMatch(
      /ATTENDEE[^\r\n]*mailto:smith@clinic\.example/i,
    );
  }, 60_000);
});
