import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wavToEngineAudio } from '../voice/analyze.js';
import { floatToInt16 } from '../voice/wav.js';
import { runRecordedTurn } from './recorded-turn.js';
import { openEngineFixture, type EngineFixture } from './testing/engine-fixture.js';
import {
  JFK_TRANSCRIPT,
  JFK_WAV,
  startGateway,
  type GatewayFixture,
} from './testing/gateway-fixture.js';

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
  }, 60_000);
});
