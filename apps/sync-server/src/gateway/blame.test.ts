import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { TestPostgres } from '../../test-support/helper.js';
import {
  FRAME,
  bearer,
  eventually,
  openStt,
  postJson,
  startGateway,
  type GatewayFixture,
} from '../../test-support/gateway.js';
import { resetFaults } from '../../test-support/standins/index.js';

let pgServer: TestPostgres;
beforeAll(async () => {
  pgServer = await TestPostgres.start();
});
afterAll(async () => {
  await pgServer.stop();
});

const chat = { messages: [{ role: 'user', content: 'How is stage 1 hypertension treated?' }] };
const TIMES = 20;

/** Sends a request and hangs up once the provider has it, before its first byte comes back. */
async function hangUpBeforeFirstByte(
  url: string,
  key: string,
  body: unknown,
  received: () => number,
): Promise<void> {
  const before = received();
  const ac = new AbortController();
  const res = fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(key) },
    body: JSON.stringify(body),
    signal: ac.signal,
  }).catch(() => undefined);
  await eventually(() => Promise.resolve(received() > before));
  ac.abort();
  await res;
}

const circuits = async (g: GatewayFixture, key: string) => {
  const res = await fetch(`${g.url}/v1/providers`, { headers: bearer(key) });
  const body = (await res.json()) as Record<string, { providers: { circuit: string }[] }>;
  return Object.values(body).flatMap((k) => k.providers.map((p) => p.circuit));
};

describe('circuit breakers blame the right party', () => {
  it(`one device hanging up, sending bad or refused requests and flooding STT ${TIMES} times each leaves every circuit closed for another device`, async () => {
    const g = await startGateway(pgServer, {
      env: {
        CIRCUIT_FAILURE_THRESHOLD: '3',
        CIRCUIT_RESET_MS: '600000',
        DEVICE_FAILURES_PER_MINUTE: '100000', // the throttle has a test of its own below
      },
    });
    const { standins: s } = g;
    try {
      const a = await g.device();
      const b = await g.device();
      const times = Array.from({ length: TIMES }, (_, i) => i);

      // Barge-ins before the first token / first audio byte: our abort, not the provider's fault.
      s.openai.faults.latencyMs = 400;
      s.elevenlabs.faults.latencyMs = 400;
      await Promise.all(
        times.map(() =>
          hangUpBeforeFirstByte(
            `${g.url}/v1/llm/chat`,
            a.key,
            chat,
            () => s.openai.requests.length,
          ),
        ),
      );
      await Promise.all(
        times.map(() =>
          hangUpBeforeFirstByte(
            `${g.url}/v1/tts/stream`,
            a.key,
            { text: 'Take one tablet daily.' },
            () => s.elevenlabs.requests.length,
          ),
        ),
      );
      resetFaults(s.openai.faults);
      resetFaults(s.elevenlabs.faults);

      // Requests the provider refuses (4xx): the request's fault, never retried, not counted.
      s.openai.faults.status = 400;
      s.elevenlabs.faults.status = 422;
      for (const _ of times) {
        expect((await postJson(`${g.url}/v1/llm/chat`, a.key, chat)).status).toBe(502);
        const tts = await postJson(`${g.url}/v1/tts/stream`, a.key, { text: 'Take one daily.' });
        expect(tts.status).toBe(502);
      }
      resetFaults(s.openai.faults);
      resetFaults(s.elevenlabs.faults);

      // Requests we refuse ourselves (invalid, carrying identifiers): never reach a provider.
      for (const _ of times) {
        expect((await postJson(`${g.url}/v1/llm/chat`, a.key, { messages: 'hi' })).status).toBe(
          400,
        );
        const phi = { messages: [{ role: 'user', content: 'Patient MRN 48392017 has pain.' }] };
        expect((await postJson(`${g.url}/v1/llm/chat`, a.key, phi)).status).toBe(422);
      }

      // STT: hang-ups while the provider socket opens, and floods of audio before it is open.
      s.deepgram.faults.latencyMs = 400;
      await Promise.all(
        times.map(async () => {
          const before = s.deepgram.requests.length;
          const c = await openStt(g.url, a.key);
          await eventually(() => Promise.resolve(s.deepgram.requests.length > before));
          c.ws.close();
          await c.closed;
        }),
      );
      const floods = await Promise.all(
        times.map(async () => {
          const c = await openStt(g.url, a.key);
          for (let i = 0; i < 60; i++) c.ws.send(FRAME); // 6 s of audio at once
          const error = await c.waitFor((m) => m.type === 'Error');
          return { error, closed: await c.closed };
        }),
      );
      for (const f of floods) {
        expect(f.error).toMatchObject({ error: { code: 'AUDIO_BACKLOG' } });
        expect(f.closed.code).toBe(1008);
      }
      resetFaults(s.deepgram.faults);

      expect(await circuits(g, b.key)).toEqual(['closed', 'closed', 'closed']);
      const res = await postJson(`${g.url}/v1/llm/chat`, b.key, chat);
      expect(res.status).toBe(200);
      await res.text();
      const tts = await postJson(`${g.url}/v1/tts/stream`, b.key, { text: 'Take one daily.' });
      expect(tts.status).toBe(200);
      await tts.arrayBuffer();
      const stt = await openStt(g.url, b.key);
      for (let i = 0; i < 5; i++) stt.ws.send(FRAME); // the stand-in answers every 0.25 s of audio
      await stt.waitFor((m) => m.type === 'Results');
      stt.ws.close();

      // …and the usage rows do not blame the providers: cancels are cancels, refusals are theirs.
      const outcomes = await eventually(async () => {
        const rows = await g.sql<{ kind: string; outcome: string; n: number }>(
          `SELECT kind, outcome, count(DISTINCT request_id)::int AS n FROM usage_events
            WHERE device_id = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
          [a.id],
        );
        const total = rows.reduce((n, r) => n + r.n, 0);
        return total >= 4 * TIMES ? rows : undefined;
      });
      expect(outcomes).toEqual([
        { kind: 'llm', outcome: 'CLIENT_CANCELLED', n: TIMES },
        { kind: 'stt', outcome: 'AUDIO_BACKLOG', n: TIMES },
        { kind: 'stt', outcome: 'CLIENT_CANCELLED', n: TIMES },
        { kind: 'tts', outcome: 'CLIENT_CANCELLED', n: TIMES },
      ]);
    } finally {
      await g.close();
    }
  });

  it('a device whose requests keep failing is refused (429 DEVICE_THROTTLED, audited once); other devices are not', async () => {
    const g = await startGateway(pgServer, { env: { DEVICE_FAILURES_PER_MINUTE: '5' } });
    try {
      const a = await g.device();
      const b = await g.device();
      for (let i = 0; i < 5; i++) {
        const res = await postJson(`${g.url}/v1/llm/chat`, a.key, { messages: 'hi' });
        expect(res.status).toBe(400);
      }
      const before = g.standins.allRecorded().length;
      for (const res of [
        await postJson(`${g.url}/v1/llm/chat`, a.key, chat),
        await postJson(`${g.url}/v1/tts/stream`, a.key, { text: 'Take one daily.' }),
      ]) {
        expect(res.status).toBe(429);
        expect(await res.json()).toMatchObject({ error: { code: 'DEVICE_THROTTLED' } });
      }
      await expect(openStt(g.url, a.key)).rejects.toThrow('HTTP 429');
      expect(g.standins.allRecorded().length).toBe(before);
      const ok = await postJson(`${g.url}/v1/llm/chat`, b.key, chat);
      expect(ok.status).toBe(200);
      await ok.text();
      const audit = await g.sql<{ action: string; detail: { counts: Record<string, number> } }>(
        `SELECT action, detail FROM audit_log WHERE device_id = $1`,
        [a.id],
      );
      expect(audit).toEqual([
        { action: 'device_throttled', detail: { perMinute: 5, counts: { BAD_REQUEST: 5 } } },
      ]);
    } finally {
      await g.close();
    }
  });
});
