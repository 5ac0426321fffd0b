import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { Value } from 'typebox/value';
import {
  AFTER_TRANSCRIPT_HEADER,
  ChatRequest,
  GatewayErrorCode,
  TtsRequest,
} from '@voiceassist/contract';
import { TestPostgres } from '../../test-support/helper.js';
import { bearer, startGateway, type GatewayFixture } from '../../test-support/gateway.js';
import { slots } from '../../test/schema-slots.js';

/**
 * Property-based tests over the gateway's request schemas: whatever arrives, the answer is a
 * stream (200) or a coded refusal in our shape — never a 500 — and a request carrying a
 * patient's identifiers in any text field never reaches a provider. Bounded in runs and time
 * (CI); counterexamples found so far are kept below as regression cases.
 */

let pgServer: TestPostgres;
let gw: GatewayFixture;
let key: string;
beforeAll(async () => {
  pgServer = await TestPostgres.start();
  gw = await startGateway(pgServer, { env: { DEVICE_FAILURES_PER_MINUTE: '100000' } });
  key = (await gw.device()).key;
});
afterAll(async () => {
  await gw.close();
  await pgServer.stop();
});

const RUNS = { numRuns: 150, interruptAfterTimeLimit: 30_000 } as const;
const CANARY_TEXT = 'Jonathan Quimby DOB 1952-03-14 MRN 4471829';
const CANARY_ID = 'Jonathan_Quimby_DOB_1952-03-14_MRN_4471829';

type Answer = { status: number; body: string };

async function send(
  path: string,
  payload: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await gw.app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/json', ...bearer(key), ...headers },
    payload,
  });
  return { status: res.statusCode, body: res.body };
}

/** 200 (a stream), or a coded refusal in the one shape with a registered code. */
function expectAnswer(a: Answer): void {
  expect(a.status).not.toBe(500);
  if (a.status === 200) return;
  const body = JSON.parse(a.body) as { error?: { code?: unknown; message?: unknown } };
  expect(Value.Check(GatewayErrorCode, body.error?.code)).toBe(true);
  expect(typeof body.error?.message).toBe('string');
}

const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('', ' ', '\0'));
const message = fc.record(
  {
    role: fc.constantFrom('system', 'developer', 'user', 'assistant', 'tool', 'bot'),
    content: fc.oneof(
      text,
      fc.constant(null),
      fc.array(fc.record({ type: fc.constant('text'), text })),
    ),
    name: text,
    tool_call_id: text,
    tool_calls: fc.array(
      fc.record({
        id: text,
        type: fc.constant('function'),
        function: fc.record({ name: text, arguments: text }),
      }),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: ['role'] },
);
/** Chat requests near the schema: mostly well-formed, often just off. */
const chatLike = fc.record(
  {
    messages: fc.oneof(fc.array(message, { minLength: 1, maxLength: 3 }), fc.jsonValue()),
    tools: fc.array(
      fc.record({
        type: fc.constantFrom('function', 'code_interpreter'),
        function: fc.record({ name: text, description: text, parameters: fc.jsonValue() }),
      }),
      { maxLength: 2 },
    ),
    tool_choice: fc.oneof(fc.constantFrom('auto', 'none', 'required', 'any'), fc.jsonValue()),
    response_format: fc.jsonValue(),
    stop: fc.oneof(text, fc.array(text)),
    temperature: fc.double(),
    max_tokens: fc.integer(),
    seed: fc.oneof(fc.integer(), fc.double()),
    extra: fc.jsonValue(),
  },
  { requiredKeys: ['messages'] },
);

describe('fuzzing the gateway’s request schemas', () => {
  it('chat: any JSON, near-valid requests and raw bytes get a stream or a coded refusal, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          chatLike.map((v) => JSON.stringify(v)),
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.string(),
        ),
        async (payload) => {
          const a = await send('/v1/llm/chat', payload);
          expectAnswer(a);
          let parsed: unknown;
          try {
            parsed = JSON.parse(payload);
          } catch {
            parsed = undefined;
          }
          // Only a request the contract accepts is streamed.
          if (a.status === 200) expect(Value.Check(ChatRequest, parsed)).toBe(true);
        },
      ),
      {
        ...RUNS,
        examples: [
          [
            '{"messages":[{"role":"user","content":"hi"}],"tool_choice":{"a":{"b":{"c":[[[[1]]]]}}}}',
          ],
          ['{"messages":[{"role":"user","content":"\\u0000"}]}'],
          ['{"__proto__":{"x":1},"messages":[]}'],
        ],
      },
    );
  });

  it('chat: an identifier planted in any text field, among random other fields, never reaches the provider', async () => {
    const all = slots(ChatRequest as never).filter((s) => s.path !== 'model');
    const before = gw.standins.openai.requests.length;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...all), chatLike, async (slot, noise) => {
        const planted = slot.build(slot.identifier ? CANARY_ID : CANARY_TEXT) as Record<
          string,
          unknown
        >;
        // The planted field wins; noise fills the rest when it keeps the request valid.
        const merged = { ...noise, ...planted };
        const request = Value.Check(ChatRequest, merged) ? merged : planted;
        const a = await send('/v1/llm/chat', JSON.stringify(request));
        expectAnswer(a);
        expect([400, 422]).toContain(a.status);
      }),
      RUNS,
    );
    const recorded = JSON.stringify(gw.standins.openai.requests.slice(before));
    expect(recorded).not.toContain('4471829');
    expect(recorded).not.toContain('Quimby');
  });

  it('TTS: any JSON gets audio or a coded refusal, never a 500', async () => {
    const ttsLike = fc.record(
      {
        text: fc.oneof(text, fc.string({ maxLength: 6000 })),
        voiceId: text,
        modelId: text,
        outputFormat: fc.oneof(text, fc.constantFrom('mp3_44100_128', 'pcm_16000', 'wav')),
        extra: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          ttsLike.map((v) => JSON.stringify(v)),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        async (payload) => {
          const a = await send('/v1/tts/stream', payload);
          expectAnswer(a);
          if (a.status === 200) expect(Value.Check(TtsRequest, JSON.parse(payload))).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('chat headers: any after-transcript value gets a coded answer, never a 500', async () => {
    const body = JSON.stringify({ messages: [{ role: 'user', content: 'Dose of X?' }] });
    const value = fc.oneof(
      fc.string(),
      fc.string({ unit: 'grapheme-ascii' }),
      fc.constantFrom('turn=', 'sha256=', 'turn=abcdefgh; sha256=', 'turn=abcdefgh; sha256=x'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constant(AFTER_TRANSCRIPT_HEADER),
        value.filter((v) => /^[\t\x20-\x7e]*$/.test(v)), // what HTTP lets a header carry
        async (name, v) => {
          const a = await send('/v1/llm/chat', body, { [name]: v });
          expectAnswer(a);
          expect([200, 400, 409]).toContain(a.status);
        },
      ),
      { ...RUNS, numRuns: 60 },
    );
  });
});
