import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../cli/main.js';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS } from '../../shared/contract.js';
import { describeMismatch } from '../../shared/protocol.js';
import { wavToEngineAudio } from '../voice/analyze.js';
import { floatToInt16 } from '../voice/wav.js';
import { openVoiceEngine } from './create.js';
import { runRecordedTurn } from './recorded-turn.js';
import {
  openEngineFixture,
  type EngineFixture,
} from '../../../test-support/voice/engine-fixture.js';
import {
  JFK_TRANSCRIPT,
  JFK_WAV,
  startGateway,
  type GatewayFixture,
} from '@voiceassist/tests/harness/gateway.js';

const JFK = floatToInt16(wavToEngineAudio(readFileSync(JFK_WAV)));
const CITED_REPLY =
  'High blood pressure is a common condition in which blood flows through the arteries at higher than normal pressures [1]. It usually has no symptoms [2]. This sentence cites nothing.';

describe('voice turn against the real sync server and the provider stand-ins', () => {
  let gw: GatewayFixture;
  let fx: EngineFixture;

  beforeAll(async () => {
    gw = await startGateway({ reply: CITED_REPLY });
    fx = await openEngineFixture(gw);
  }, 60_000);
  afterAll(async () => {
    await fx.close();
    await gw.close();
  });

  it('runs a whole turn from jfk.wav: reference transcript, spoken answer, stage timings, stored', async () => {
    const service = fx.engine.service;
    const turn = await runRecordedTurn(service, JFK);
    const marks = service.currentTurn?.marks;
    expect(turn.transcript).toBe(JFK_TRANSCRIPT);
    expect(fx.of('voice.transcript', turn.id).some((t) => !t.final)).toBe(true);
    expect(fx.of('voice.transcript', turn.id).at(-1)).toMatchObject({
      final: true,
      text: JFK_TRANSCRIPT,
    });
    expect(turn.status).toBe('complete');
    expect(turn.sentences.length).toBeGreaterThan(0);
    const chunks = fx.of('voice.audio.chunk', turn.id);
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.map((c) => c.seq)).toEqual(chunks.map((_c, i) => i));
    expect(turn.speech).toBe('gateway');
    for (const k of [
      'capture',
      'sttFinalize',
      'phi',
      'retrieval',
      'ttsFirstByte',
      'firstAudio',
      'total',
    ] as const)
      expect(turn.timings[k], k).not.toBeNull();
    // The STT stand-in received the audio (through the gateway) and the finalize.
    expect(gw.deepgram.requests.at(-1)?.audioBytes).toBeGreaterThan(0);
    expect(gw.deepgram.requests.at(-1)?.messages).toContainEqual({ type: 'Finalize' });
    const stored = service['conversations.turns']({ conversationId: turn.conversationId });
    expect(stored).toEqual([turn]);
    // The engine's first turn: its connections to the gateway (two for the LLM request and the
    // TTS requests made while the answer still streams, opened with the capability check on
    // connect; the STT socket at key-down) were all open before the key-up; nothing after the
    // key-up waited for a handshake.
    const keyUp = marks?.keyUp ?? -Infinity;
    const opened = gw.connectionsOpenedAt(); // this gateway serves this engine only
    expect(opened.filter((t) => t >= (marks?.keyDown ?? Infinity)).length).toBeGreaterThanOrEqual(
      1,
    );
    expect(opened.length).toBeGreaterThanOrEqual(3);
    expect(opened.filter((t) => t > keyUp)).toEqual([]);
  }, 60_000);

  it('knows what the server can relay from GET /v1/providers, before any turn', async () => {
    await fx.engine.service.providers.refresh();
    expect(fx.engine.service['voice.status']()).toMatchObject({
      server: 'configured',
      stt: 'ready',
      llm: 'ready',
      tts: 'ready',
      detail: 'Voice ready.',
    });
  });

  it('the stand-ins report what each call took on their side, within the turn’s stage times (voice bench)', async () => {
    const service = fx.engine.service;
    await gw.takeServed(); // forget earlier turns
    gw.deepgram.faults.chunkDelayMs = 40;
    gw.openai.faults.latencyMs = 60;
    gw.elevenlabs.faults.latencyMs = 30;
    try {
      const took = (s: { startMs: number; firstByteMs: number } | undefined) =>
        s ? s.firstByteMs - s.startMs : NaN;
      const diff = (a: number | undefined, b: number | undefined) =>
        a === undefined || b === undefined ? NaN : b - a;
      // A voice turn (STT finalize) and a spoken typed question (LLM, TTS per sentence).
      const voiced = await runRecordedTurn(service, JFK);
      const stt = (await gw.takeServed()).deepgram.at(-1);
      expect(took(stt)).toBeGreaterThanOrEqual(39);
      const ref = service['assistant.ask']({ text: 'What is high blood pressure?', speak: true });
      await service.currentTurn?.done;
      const asked = fx.of('voice.turnDone', ref.turnId)[0]?.turn;
      expect(asked?.generator).toBe('llm:gateway');
      const served = await gw.takeServed();
      expect(served.openai).toHaveLength(1);
      expect(took(served.openai[0])).toBeGreaterThanOrEqual(59);
      expect(took(served.elevenlabs[0])).toBeGreaterThanOrEqual(29);
      // Measured on the clock the engine's marks use: each provider's share fits inside its stage.
      expect(voiced.timings.sttFinalize).toBeGreaterThanOrEqual(took(stt));
      expect(asked?.timings.llmFirstToken).toBeGreaterThanOrEqual(took(served.openai[0]));
      expect(asked?.timings.ttsFirstByte).toBeGreaterThanOrEqual(took(served.elevenlabs[0]));
      // The way from the LLM request to the first audio holds both providers' shares, in turn.
      const m = service.currentTurn?.marks;
      expect(diff(m?.llmSent, m?.firstAudio)).toBeGreaterThanOrEqual(
        took(served.openai[0]) + took(served.elevenlabs[0]),
      );
      expect(served.elevenlabs).toHaveLength(asked?.sentences.length ?? -1); // one call each
      expect((await gw.takeServed()).openai).toEqual([]); // taken means forgotten
    } finally {
      gw.deepgram.faults.chunkDelayMs = undefined;
      gw.openai.faults.latencyMs = undefined;
      gw.elevenlabs.faults.latencyMs = undefined;
    }
  }, 60_000);

  it('voiceassist turn FILE.wav --json runs a whole turn against the configured server', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'va-turn-cli-'));
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    try {
      const code = await main(['turn', JFK_WAV, '--store', dir, '--json'], {
        stdin: new PassThrough(),
        stdout,
        stderr,
        env: {
          VOICEASSIST_SERVER_URL: gw.url,
          VOICEASSIST_DEVICE_KEY: gw.deviceKey,
          VOICEASSIST_EMBED_MODEL: 'hashing-bow',
        },
        cwd: dir,
        interactive: false,
      });
      await new Promise((r) => setImmediate(r));
      expect({ code, err, out: out.slice(0, 300) }).toMatchObject({ code: 0, err: '' });
      const turn = JSON.parse(out) as { transcript: string; timings: Record<string, unknown> };
      expect(turn.transcript).toBe(JFK_TRANSCRIPT);
      expect(turn.timings.sttFinalize).not.toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('answers a typed question through the LLM with citations; uncited sentences are dropped', async () => {
    const service = fx.engine.service;
    const ref = service['assistant.ask']({ text: 'What is high blood pressure?', speak: true });
    await service.currentTurn?.done;
    const [done] = fx.of('voice.turnDone', ref.turnId);
    const turn = done?.turn;
    expect(turn?.generator).toBe('llm:gateway');
    expect(turn?.sentences.map((s) => s.text)).toEqual([
      'High blood pressure is a common condition in which blood flows through the arteries at higher than normal pressures.',
      'It usually has no symptoms.',
    ]);
    for (const s of turn?.sentences ?? []) expect(s.citations.length).toBe(1);
    expect(turn?.timings.llmFirstToken).not.toBeNull();
    expect(fx.of('voice.answer', ref.turnId)).toHaveLength(2);
    // Sentences were spoken in order, each as its own TTS request through the gateway.
    const spoken = fx.of('voice.audio.chunk', ref.turnId).map((c) => c.sentence);
    expect(spoken).toEqual([...spoken].sort((a, b) => a - b));
    expect(new Set(spoken)).toEqual(new Set([0, 1]));
  }, 30_000);

  it('STT drop mid-turn: coded message while the key is still held, partial turn saved, app keeps working', async () => {
    const service = fx.engine.service;
    gw.deepgram.faults.disconnectAfter = 3;
    try {
      const ref = service['voice.turnStart']({});
      const turn = service.currentTurn;
      let seq = 0;
      let errorSeen = false;
      for (let i = 0; i < JFK.length && !errorSeen; i += 512) {
        service.audioFrame({ turnId: ref.turnId, seq: seq++, pcm: JFK.subarray(i, i + 512) });
        await turn?.pending;
        errorSeen = fx.of('voice.error', ref.turnId).length > 0;
        if (i % (512 * 20) === 0) await new Promise((r) => setTimeout(r, 20));
      }
      const error = await fx.waitFor('voice.error', (e) => e.turnId === ref.turnId);
      expect(turn?.state).toBe('listening'); // reported before the key-up
      expect(error.error).toMatchObject({ stage: 'stt', code: 'PROVIDER_STREAM_BROKEN' });
      expect(error.error.message).toMatch(/speech recognition/);
      service['voice.turnEnd'](ref);
      await turn?.done;
      const record = turn?.record();
      expect(record?.status).toBe('partial');
      expect(JFK_TRANSCRIPT.startsWith(record?.transcript ?? 'x')).toBe(true);
      expect(record?.transcript.length).toBeGreaterThan(0);
      expect(
        service['conversations.turns']({ conversationId: ref.conversationId })[0]?.status,
      ).toBe('partial');
    } finally {
      gw.deepgram.faults.disconnectAfter = undefined;
    }
    const again = service['assistant.ask']({ text: 'What causes high blood pressure?' });
    await service.currentTurn?.done;
    expect(fx.of('voice.turnDone', again.turnId)[0]?.turn.status).toBe('complete');
  }, 60_000);

  it('TTS failure: coded message, the system voice speaks instead, turn saved as partial', async () => {
    const service = fx.engine.service;
    gw.elevenlabs.faults.status = 500;
    try {
      const ref = service['assistant.ask']({ text: 'What is high blood pressure?', speak: true });
      await service.currentTurn?.done;
      const [error] = fx.of('voice.error', ref.turnId);
      expect(error?.error.stage).toBe('tts');
      expect(['PROVIDER_ERROR', 'PROVIDER_UNAVAILABLE']).toContain(error?.error.code);
      const turn = fx.of('voice.turnDone', ref.turnId)[0]?.turn;
      expect(turn?.status).toBe('partial');
      expect(turn?.speech).toBe('os');
      expect(turn?.sentences.length).toBe(2);
      expect(fx.of('voice.speak', ref.turnId).map((s) => s.sentence)).toEqual([0, 1]);
      expect(fx.of('voice.audio.chunk', ref.turnId)).toEqual([]);
    } finally {
      gw.elevenlabs.faults.status = undefined;
    }
  }, 30_000);

  it('barge-in by key cancels in-flight LLM and TTS: events stop and the abort reaches the gateway', async () => {
    const service = fx.engine.service;
    gw.openai.faults.chunkDelayMs = 60;
    gw.elevenlabs.faults.chunkDelayMs = 150;
    try {
      const [max] = await gw.sql<{ id: string | null }>('SELECT max(id) AS id FROM usage_events');
      const before = Number(max?.id ?? 0);
      const ref = service['assistant.ask']({ text: 'What is high blood pressure?', speak: true });
      const turn = service.currentTurn;
      await fx.waitFor('voice.audio.chunk', (c) => c.turnId === ref.turnId);
      const next = service['voice.turnStart']({}); // the hotkey pressed again
      const mark = fx.mark();
      expect(turn?.cancelled).toBe(true); // synchronously, before turnStart returned
      expect(fx.of('voice.stopPlayback', ref.turnId)).toEqual([
        { turnId: ref.turnId, reason: 'barge-in-key' },
      ]);
      await turn?.done;
      expect(fx.of('voice.turnDone', ref.turnId)[0]?.turn.status).toBe('cancelled');
      // The gateway saw the client go away and ended both provider streams early (metered as
      // not 'ok', with fewer output tokens than the full reply).
      const ended = async (): Promise<{ kind: string; outcome: string }[]> =>
        gw.sql<{ kind: string; outcome: string }>(
          `SELECT DISTINCT kind, outcome FROM usage_events WHERE id > $1 AND kind IN ('llm', 'tts')`,
          [before],
        );
      let rows: { kind: string; outcome: string }[] = [];
      const bothEnded = (): boolean =>
        ['llm', 'tts'].every((k) => rows.some((r) => r.kind === k && r.outcome !== 'ok'));
      for (let i = 0; i < 100 && !bothEnded(); i++) {
        rows = await ended();
        await new Promise((r) => setTimeout(r, 50));
      }
      for (const kind of ['llm', 'tts'])
        expect(
          rows.some((r) => r.kind === kind && r.outcome !== 'ok'),
          kind,
        ).toBe(true);
      const [tokens] = await gw.sql<{ q: string }>(
        `SELECT quantity AS q FROM usage_events WHERE id > $1 AND kind = 'llm' AND unit = 'output_token'`,
        [before],
      );
      // The gateway estimates tokens as characters / 4 of what it delivered.
      expect(Number(tokens?.q)).toBeLessThan(Math.ceil(CITED_REPLY.length / 4));
      const after = fx.events.filter(
        (e) =>
          e.order > mark &&
          (e.payload as { turnId?: string }).turnId === ref.turnId &&
          ['voice.answer', 'voice.audio.chunk', 'voice.speak'].includes(e.name),
      );
      expect(after).toEqual([]);
      service['voice.cancel']({ turnId: next.turnId, reason: 'user' });
      await service.currentTurn?.done;
    } finally {
      gw.openai.faults.chunkDelayMs = undefined;
      gw.elevenlabs.faults.chunkDelayMs = undefined;
    }
  }, 30_000);

  it('every event the turns above emitted matches its contract schema (the renderer validates them)', () => {
    expect(fx.events.length).toBeGreaterThan(50);
    const names = new Set(fx.events.map((e) => e.name));
    for (const n of [
      'voice.state',
      'voice.transcript',
      'voice.answer',
      'voice.audio.chunk',
      'voice.speak',
      'voice.stopPlayback',
      'voice.error',
      'voice.turnDone',
    ] as const)
      expect(names).toContain(n);
    const bad = fx.events
      .filter((e) => !Value.Check(EVENTS[e.name], e.payload))
      .map((e) => `${e.name}: ${describeMismatch(EVENTS[e.name], e.payload)}`);
    expect(bad).toEqual([]);
  });
});

describe('answer prepared while STT finalizes', () => {
  let gw: GatewayFixture;
  let fx: EngineFixture;

  beforeAll(async () => {
    gw = await startGateway({
      transcript: 'what is high blood pressure and how is it treated',
      reply: CITED_REPLY,
    });
    fx = await openEngineFixture(gw);
  }, 60_000);
  afterAll(async () => {
    await fx.close();
    await gw.close();
  });

  it('prepares the answer on the last interim transcript while STT finalizes; redoes it when the final differs', async () => {
    const service = fx.engine.service;
    const QUESTION = 'what is high blood pressure and how is it treated';
    const lastPrompt = (): string => {
      const body = gw.openai.requests.at(-1)?.body as { messages: { content: string }[] };
      return body.messages.at(-1)?.content ?? '';
    };
    // Interims all delivered before the key-up: the final equals the last interim.
    const same = await runRecordedTurn(service, JFK.subarray(0, 16_000 * 3), {
      holdAfterMs: 400,
    });
    const m1 = service.currentTurn?.marks;
    expect(same.transcript).toBe(QUESTION);
    expect(same.generator).toBe('llm:gateway');
    expect(m1?.promptEnd).toBeLessThanOrEqual(m1?.sttFinal ?? -1);
    expect(lastPrompt()).toContain(QUESTION);
    // …and sent before the final transcript: the gateway forwarded it once that was the same.
    expect(service.currentTurn?.chatSentAhead).toBe(true);
    const llmCalls = gw.openai.requests.length;
    // Interims still queued at the key-up: the early preparation had fewer words; it is dropped.
    // 3 s of audio: twelve interims, 100 ms apart; the key-up comes while most are queued.
    gw.deepgram.faults.chunkDelayMs = 100;
    try {
      const differs = await runRecordedTurn(service, JFK.subarray(0, 16_000 * 3));
      const m2 = service.currentTurn?.marks;
      expect(differs.transcript).toBe(QUESTION);
      expect(differs.generator).toBe('llm:gateway');
      expect(m2?.promptStart).toBeGreaterThanOrEqual(m2?.sttFinal ?? Infinity);
      expect(lastPrompt()).toContain(QUESTION);
      // The chat sent ahead for the shorter question never reached the provider.
      expect(service.currentTurn?.chatSentAhead).toBe(false);
      expect(gw.openai.requests.length).toBe(llmCalls + 1);
    } finally {
      gw.deepgram.faults.chunkDelayMs = undefined;
    }
  }, 60_000);
});

describe('PHI canary through the whole turn', () => {
  const CANARY = ['Zebulon', '48213377', '03/14/1962'];
  let gw: GatewayFixture;
  let fx: EngineFixture;

  beforeAll(async () => {
    gw = await startGateway({
      transcript:
        'what is high blood pressure for patient John Zebulon born 03/14/1962 MRN 48213377',
      reply:
        'For [PATIENT_1], high blood pressure is a common condition in which blood flows through the arteries at higher than normal pressures [1].',
    });
    fx = await openEngineFixture(gw);
  }, 60_000);
  afterAll(async () => {
    await fx.close();
    await gw.close();
  });

  it('spoken and typed identifiers never reach any stand-in; answers are restored locally', async () => {
    const service = fx.engine.service;
    const spoken = await runRecordedTurn(service, JFK);
    expect(spoken.transcript).toContain('John Zebulon');
    expect(spoken.generator).toBe('llm:gateway');
    expect(spoken.sentences[0]?.text).toMatch(/^For John Zebulon, high blood pressure/);
    const typed = service['assistant.ask']({
      text: 'Patient Zelda Zebulon, MRN 48213377, DOB 03/14/1962: what is high blood pressure?',
      conversationId: spoken.conversationId,
      speak: true,
    });
    await service.currentTurn?.done;
    expect(fx.of('voice.turnDone', typed.turnId)[0]?.turn.status).toBe('complete');
    const recorded = gw.allRecorded();
    expect(recorded).toContain('[PATIENT_1]'); // the LLM got the pseudonym…
    expect(recorded).toContain('the patient'); // …and TTS a neutral word for it
    for (const c of CANARY) expect(recorded).not.toContain(c);
    expect(gw.openai.requests.length).toBe(2);
    expect(gw.elevenlabs.requests.length).toBeGreaterThan(1);
  }, 60_000);
});

describe('degraded: no providers on the server, or no server', () => {
  it('no STT says so clearly, typed questions still work, no LLM → local answer, no TTS → OS voices', async () => {
    const gw = await startGateway({ without: ['stt', 'llm', 'tts'] });
    const fx = await openEngineFixture(gw, { frontEnd: false });
    try {
      const service = fx.engine.service;
      // Known from GET /v1/providers on connect, before anyone presses the key: nothing is tried.
      await service.providers.refresh();
      expect(service['voice.status']()).toMatchObject({
        stt: 'not-configured',
        llm: 'not-configured',
        tts: 'not-configured',
        detail: expect.stringMatching(/No speech-to-text on the server/) as unknown,
      });
      const sttSockets = gw.deepgram.requests.length;
      expect(() => service['voice.turnStart']({})).toThrow(
        /No speech-to-text provider is configured on the sync server\. Type your question/,
      );
      expect(fx.of('voice.error')).toEqual([]);
      // …and was pushed as an event when the engine learnt it.
      expect(fx.of('voice.status.changed').at(-1)).toMatchObject({ stt: 'not-configured' });
      expect(gw.deepgram.requests.length).toBe(sttSockets);
      const ref = service['assistant.ask']({ text: 'What is high blood pressure?', speak: true });
      await service.currentTurn?.done;
      const turn = fx.of('voice.turnDone', ref.turnId)[0]?.turn;
      expect(turn?.generator).toBe('extractive@1');
      expect(turn?.covered).toBe(true);
      expect(turn?.speech).toBe('os');
      expect(turn?.status).toBe('complete');
      expect(fx.of('voice.speak', ref.turnId).length).toBe(turn?.sentences.length);
      const status = service['voice.status']();
      expect(status).toMatchObject({
        stt: 'not-configured',
        llm: 'not-configured',
        tts: 'not-configured',
      });
    } finally {
      await fx.close();
      await gw.close();
    }
  }, 60_000);

  it('without a server: voice refuses with a clear code, typed questions get local answers', async () => {
    const fx = await openEngineFixture(undefined, { frontEnd: false });
    try {
      const service = fx.engine.service;
      expect(() => service['voice.turnStart']({})).toThrow(/sync server/);
      const ref = service['assistant.ask']({ text: 'What is high blood pressure?', speak: true });
      await service.currentTurn?.done;
      const turn = fx.of('voice.turnDone', ref.turnId)[0]?.turn;
      expect(turn).toMatchObject({ generator: 'extractive@1', speech: 'os', status: 'complete' });
      expect(turn?.timings.phi).toBeNull();
    } finally {
      await fx.close();
    }
  }, 30_000);
});

describe('voice settings', () => {
  it('barge-in by speech and recording survive a restart (kept in the encrypted store)', async () => {
    const profileDir = await mkdtemp(path.join(os.tmpdir(), 'va-settings-'));
    const env = {
      VOICEASSIST_DB_KEY: 'ab'.repeat(32),
      VOICEASSIST_EMBED_MODEL: 'hashing-bow',
    };
    const open = () => openVoiceEngine({ profileDir, env, frontEnd: false, emit: () => undefined });
    try {
      let engine = await open();
      expect(engine.service['voice.status']()).toMatchObject({ bargeIn: true, recording: false });
      expect(engine.service['voice.configure']({ bargeIn: false, recording: true })).toMatchObject({
        bargeIn: false,
        recording: true,
      });
      await engine.close();
      engine = await open();
      expect(engine.service['voice.status']()).toMatchObject({ bargeIn: false, recording: true });
      engine.service['voice.configure']({ recording: false });
      await engine.close();
      engine = await open();
      expect(engine.service['voice.status']()).toMatchObject({
        bargeIn: false,
        recording: false,
      });
      await engine.close();
    } finally {
      await rm(profileDir, { recursive: true, force: true });
    }
  }, 30_000);
});
