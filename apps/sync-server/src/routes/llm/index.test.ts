import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import OpenAI from 'openai';
import { TestPostgres } from '../../../test-support/helper.js';
import type {} from '../../plugins/app/gateway.js'; // app.gateway's type
import {
  eventually,
  openStt,
  postJson,
  sseData,
  startGateway,
  type GatewayFixture,
} from '../../../test-support/gateway.js';
import {
  resetFaults as clearFaults,
  startOpenAiStandin,
  startStandins,
} from '../../../test-support/standins/index.js';

let pgServer: TestPostgres;
let gw: GatewayFixture;
beforeAll(async () => {
  pgServer = await TestPostgres.start();
  gw = await startGateway(pgServer);
});
afterAll(async () => {
  await gw.close();
  await pgServer.stop();
});

const chat = { messages: [{ role: 'user', content: 'How is stage 1 hypertension treated?' }] };
const resetFaults = () => clearFaults(gw.standins.openai.faults);

type Chunk = { choices: { delta: { content?: string } }[]; usage?: { completion_tokens: number } };

describe('POST /v1/llm/chat', () => {
  it('streams the provider answer as SSE ending in [DONE], with the server-chosen model', async () => {
    const { key } = await gw.device();
    const before = gw.standins.openai.requests.length;
    const res = await postJson(`${gw.url}/v1/llm/chat`, key, { ...chat, model: 'client-choice' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = sseData(await res.text());
    expect(events.at(-1)).toBe('[DONE]');
    const text = events
      .slice(0, -1)
      .map((e) => JSON.parse(e) as Chunk)
      .map((c) => c.choices[0]?.delta.content ?? '')
      .join('');
    expect(text).toContain('thiazide diuretic');
    const sent = gw.standins.openai.requests[before]?.body as {
      model: string;
      messages: unknown[];
    };
    expect(sent.model).toBe('gpt-standin');
    expect(sent.messages).toEqual(chat.messages);
  });

  it('works with the official openai SDK pointed at the gateway', async () => {
    const { key } = await gw.device();
    const client = new OpenAI({ baseURL: `${gw.url}/v1/llm`, apiKey: key, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'any',
      stream: true,
      ...chat,
    } as OpenAI.ChatCompletionCreateParamsStreaming);
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
    expect(text).toContain('hypertension');
  });

  it('passes tool definitions through and streams tool calls back', async () => {
    const tools = await startStandins({
      openai: { toolCall: { name: 'bmi', arguments: '{"weightKg":80,"heightCm":180}' } },
    });
    const g = await startGateway(pgServer, { standins: tools });
    try {
      const { key } = await g.device();
      const tool = { type: 'function', function: { name: 'bmi', parameters: { type: 'object' } } };
      const res = await postJson(`${g.url}/v1/llm/chat`, key, { ...chat, tools: [tool] });
      expect(res.status).toBe(200);
      const args = sseData(await res.text())
        .filter((e) => e !== '[DONE]')
        .map(
          (e) =>
            JSON.parse(e) as {
              choices: { delta: { tool_calls?: { function?: { arguments?: string } }[] } }[];
            },
        )
        .flatMap((c) => c.choices.flatMap((ch) => ch.delta.tool_calls ?? []))
        .map((t) => t.function?.arguments ?? '')
        .join('');
      expect(JSON.parse(args)).toEqual({ weightKg: 80, heightCm: 180 });
      expect((tools.openai.requests[0]?.body as { tools: unknown[] }).tools).toEqual([tool]);
    } finally {
      await g.close();
    }
  });

  it('meters tokens and reports them at /v1/usage', async () => {
    const { key, userId } = await gw.device();
    const res = await postJson(`${gw.url}/v1/llm/chat`, key, chat);
    await res.text();
    const rows = await eventually(() =>
      gw.sql<{ unit: string; quantity: string; outcome: string }>(
        'SELECT unit, quantity, outcome FROM usage_events WHERE user_id = $1 AND ended_at IS NOT NULL ORDER BY unit',
        [userId],
      ),
    );
    expect(rows.map((r) => r.unit)).toEqual(['input_token', 'output_token']);
    expect(rows.every((r) => Number(r.quantity) > 0 && r.outcome === 'ok')).toBe(true);
    const usage = await fetch(`${gw.url}/v1/usage?period=day`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(usage.status).toBe(200);
    const body = (await usage.json()) as {
      user: { requests: number; costUsd: number; lines: { unit: string }[] };
    };
    expect(body.user.requests).toBe(1);
    expect(body.user.costUsd).toBeGreaterThan(0);
    expect(body.user.lines.map((l) => l.unit).sort()).toEqual(['input_token', 'output_token']);
  });

  it('rejects a malformed request with a coded 400 before calling the provider', async () => {
    const { key } = await gw.device();
    const before = gw.standins.openai.requests.length;
    const res = await postJson(`${gw.url}/v1/llm/chat`, key, { messages: 'hi' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    expect(gw.standins.openai.requests.length).toBe(before);
  });

  describe('provider failures', () => {
    it('a provider that never answers → 504 PROVIDER_TIMEOUT', async () => {
      const { key } = await gw.device();
      gw.standins.openai.faults.hang = true;
      try {
        const res = await postJson(`${gw.url}/v1/llm/chat`, key, chat);
        expect(res.status).toBe(504);
        expect(await res.json()).toMatchObject({ error: { code: 'PROVIDER_TIMEOUT' } });
      } finally {
        resetFaults();
      }
    });

    it('HTTP 500 → retried once (nothing was delivered), then 502 PROVIDER_ERROR', async () => {
      const { key } = await gw.device();
      gw.standins.openai.faults.status = 500;
      const before = gw.standins.openai.requests.length;
      try {
        const res = await postJson(`${gw.url}/v1/llm/chat`, key, chat);
        expect(res.status).toBe(502);
        expect(await res.json()).toMatchObject({ error: { code: 'PROVIDER_ERROR' } });
        expect(gw.standins.openai.requests.length - before).toBe(2);
      } finally {
        resetFaults();
      }
    });

    it('a single 500 is absorbed by the retry', async () => {
      const { key } = await gw.device();
      Object.assign(gw.standins.openai.faults, { status: 500, statusTimes: 1 });
      try {
        const res = await postJson(`${gw.url}/v1/llm/chat`, key, chat);
        expect(res.status).toBe(200);
        expect(sseData(await res.text()).at(-1)).toBe('[DONE]');
      } finally {
        resetFaults();
      }
    });

    it('a 400 from the provider is not retried', async () => {
      const { key } = await gw.device();
      Object.assign(gw.standins.openai.faults, { status: 400 });
      const before = gw.standins.openai.requests.length;
      try {
        const res = await postJson(`${gw.url}/v1/llm/chat`, key, chat);
        expect(res.status).toBe(502);
        expect(gw.standins.openai.requests.length - before).toBe(1);
      } finally {
        resetFaults();
      }
    });

    for (const [name, fault] of [
      ['malformed stream', { malformedAfter: 4 }],
      ['mid-stream disconnect', { disconnectAfter: 4 }],
      ['mid-stream stall', { chunkDelayMs: 3000 }],
    ] as const) {
      it(`${name} → coded SSE error event, no [DONE], usage metered for what was delivered`, async () => {
        const { key, userId } = await gw.device();
        Object.assign(gw.standins.openai.faults, fault);
        try {
          const res = await postJson(`${gw.url}/v1/llm/chat`, key, chat);
          expect(res.status).toBe(200);
          const events = sseData(await res.text());
          expect(events).not.toContain('[DONE]');
          const last = JSON.parse(events.at(-1) ?? '{}') as { error?: { code: string } };
          expect(last.error?.code).toBe(
            'chunkDelayMs' in fault ? 'PROVIDER_TIMEOUT' : 'PROVIDER_STREAM_BROKEN',
          );
          const delivered = events
            .slice(0, -1)
            .map((e) => JSON.parse(e) as Chunk)
            .map((c) => c.choices[0]?.delta.content ?? '')
            .join('');
          if (!('chunkDelayMs' in fault)) expect(delivered.length).toBeGreaterThan(0);
          const rows = await eventually(() =>
            gw.sql<{ unit: string; quantity: string; outcome: string }>(
              `SELECT unit, quantity, outcome FROM usage_events WHERE user_id = $1 AND ended_at IS NOT NULL AND unit = 'output_token'`,
              [userId],
            ),
          );
          expect(rows).toHaveLength(1);
          expect(Number(rows[0]?.quantity)).toBe(Math.ceil(delivered.length / 4));
          expect(rows[0]?.outcome).toBe(last.error?.code);
        } finally {
          resetFaults();
        }
      });
    }
  });

  it('a client hang-up mid-stream is metered as CLIENT_CANCELLED, output estimated from what was delivered, and does not count against the provider', async () => {
    const { key, userId } = await gw.device();
    gw.standins.openai.faults.chunkDelayMs = 100;
    try {
      const ac = new AbortController();
      const res = await fetch(`${gw.url}/v1/llm/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify(chat),
        signal: ac.signal,
      });
      expect(res.status).toBe(200);
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      const dec = new TextDecoder();
      let text = '';
      while (!/"content":"[^"]/.test(text)) text += dec.decode((await reader.read()).value);
      ac.abort(); // barge-in
      const rows = await eventually(() =>
        gw.sql<{ unit: string; quantity: string; outcome: string }>(
          'SELECT unit, quantity, outcome FROM usage_events WHERE user_id = $1 AND ended_at IS NOT NULL ORDER BY unit',
          [userId],
        ),
      );
      expect(rows.map((r) => [r.unit, r.outcome])).toEqual([
        ['input_token', 'CLIENT_CANCELLED'],
        ['output_token', 'CLIENT_CANCELLED'],
      ]);
      const out = Number(rows[1]?.quantity);
      expect(out).toBeGreaterThan(0);
      expect(out).toBeLessThan(15); // the full reply is longer: only what was delivered
      expect(gw.app.gateway.breakers.get('openai')?.state).toBe('closed');
    } finally {
      resetFaults();
    }
  });

  describe('circuit breaker and fallback', () => {
    it('opens after repeated failures and then fails fast without calling the provider', async () => {
      const g = await startGateway(pgServer, {
        env: { CIRCUIT_FAILURE_THRESHOLD: '2', CIRCUIT_RESET_MS: '60000' },
      });
      try {
        const { key } = await g.device();
        g.standins.openai.faults.status = 503;
        const first = await postJson(`${g.url}/v1/llm/chat`, key, chat); // 2 attempts → open
        expect(first.status).toBe(502);
        const calls = g.standins.openai.requests.length;
        g.standins.openai.faults.status = undefined;
        const res = await postJson(`${g.url}/v1/llm/chat`, key, chat);
        expect(res.status).toBe(503);
        expect(await res.json()).toMatchObject({ error: { code: 'PROVIDER_UNAVAILABLE' } });
        expect(g.standins.openai.requests.length).toBe(calls);
      } finally {
        await g.close();
      }
    });

    it('uses the fallback provider when the primary fails before streaming', async () => {
      const fallback = await startOpenAiStandin({
        apiKey: 'sk-fallback',
        reply: 'Answer from the fallback.',
      });
      const g = await startGateway(pgServer, {
        env: {
          OPENAI_FALLBACK_BASE_URL: fallback.url,
          OPENAI_FALLBACK_API_KEY: 'sk-fallback',
          OPENAI_FALLBACK_MODEL: 'fallback-model',
        },
      });
      try {
        const { key } = await g.device();
        g.standins.openai.faults.status = 500;
        const res = await postJson(`${g.url}/v1/llm/chat`, key, chat);
        expect(res.status).toBe(200);
        expect(res.headers.get('x-voiceassist-provider')).toBe('openai-fallback');
        expect(await res.text()).toContain('fallback');
        expect((fallback.requests[0]?.body as { model: string }).model).toBe('fallback-model');
      } finally {
        await g.close();
        await fallback.close();
      }
    });

    it('a turn starting warms the provider the next call will use: the fallback while the circuit is open', async () => {
      const fallback = await startOpenAiStandin({ apiKey: 'sk-fallback' });
      const g = await startGateway(pgServer, {
        env: {
          OPENAI_FALLBACK_BASE_URL: fallback.url,
          OPENAI_FALLBACK_API_KEY: 'sk-fallback',
          OPENAI_FALLBACK_MODEL: 'fallback-model',
          CIRCUIT_FAILURE_THRESHOLD: '1',
          CIRCUIT_RESET_MS: '60000',
        },
      });
      try {
        const { key } = await g.device();
        g.standins.openai.faults.status = 500;
        const res = await postJson(`${g.url}/v1/llm/chat`, key, chat); // primary's circuit opens
        expect(res.headers.get('x-voiceassist-provider')).toBe('openai-fallback');
        await res.text();
        const stt = await openStt(g.url, key); // the next turn starts
        await eventually(() => Promise.resolve(fallback.preconnects === 1));
        expect([g.standins.openai.preconnects, fallback.preconnects]).toEqual([0, 1]);
        expect(g.standins.elevenlabs.preconnects).toBe(1);
        stt.ws.close();
      } finally {
        await g.close();
        await fallback.close();
      }
    });
  });

  describe('quotas', () => {
    it('per-user requests per minute → 429 RATE_LIMITED', async () => {
      const { key, userId } = await gw.device();
      await gw.sql(
        `INSERT INTO quotas (scope, subject, requests_per_minute) VALUES ('user', $1, 2)`,
        [userId],
      );
      for (let i = 0; i < 2; i++)
        expect((await postJson(`${gw.url}/v1/llm/chat`, key, chat)).status).toBe(200);
      const res = await postJson(`${gw.url}/v1/llm/chat`, key, chat);
      expect(res.status).toBe(429);
      expect(await res.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    });

    it('per-clinic daily cost quota → 429 QUOTA_EXCEEDED for every user of the clinic', async () => {
      const g = await startGateway(pgServer);
      try {
        await g.sql(`UPDATE provider_prices SET usd_per_unit = 0.001 WHERE provider = 'openai'`);
        await g.sql(`INSERT INTO clinics (id, name) VALUES ('tiny', 'Tiny clinic')`);
        await g.sql(
          `INSERT INTO quotas (scope, subject, daily_cost_usd) VALUES ('clinic', 'tiny', 0.01)`,
        );
        const a = await g.device('tiny');
        const b = await g.device('tiny');
        const first = await postJson(`${g.url}/v1/llm/chat`, a.key, chat);
        expect(first.status).toBe(200);
        await first.text();
        await eventually(() =>
          g.sql('SELECT 1 FROM usage_events WHERE user_id = $1 AND ended_at IS NOT NULL', [
            a.userId,
          ]),
        );
        const res = await postJson(`${g.url}/v1/llm/chat`, b.key, chat);
        expect(res.status).toBe(429);
        expect(await res.json()).toMatchObject({ error: { code: 'QUOTA_EXCEEDED' } });
        const other = await g.device(); // another clinic is not affected
        expect((await postJson(`${g.url}/v1/llm/chat`, other.key, chat)).status).toBe(200);
      } finally {
        await g.close();
      }
    });
  });
});
