import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Value } from 'typebox/value';
import { ChatRequest, JSON_LIMITS, TtsRequest } from '@voiceassist/contract';
import { TestPostgres } from '../../../test-support/helper.js';
import {
  postJson,
  sseData,
  startGateway,
  type GatewayFixture,
} from '../../../test-support/gateway.js';
import { closedObjects, slots } from '../../../test/schema-slots.js';

let pgServer: TestPostgres;
let gw: GatewayFixture;
beforeAll(async () => {
  pgServer = await TestPostgres.start();
  // Each refusal below is a failing request of its device; the limit is not what is tested here.
  gw = await startGateway(pgServer, { env: { DEVICE_FAILURES_PER_MINUTE: '100000' } });
});
afterAll(async () => {
  await gw.close();
  await pgServer.stop();
});

/** Identifiers of a made-up patient, as prose and as an identifier (underscores, no spaces). */
const CANARY_TEXT = 'Jonathan Quimby DOB 1952-03-14 MRN 4471829';
const CANARY_ID = 'Jonathan_Quimby_DOB_1952-03-14_MRN_4471829';
const CANARY_PARTS = ['Quimby', '4471829', '1952-03-14'];

const reachedProvider = () => {
  const recorded = gw.standins.allRecorded();
  return CANARY_PARTS.filter((p) => recorded.includes(p));
};

/** Fields the gateway takes and drops (the server chooses the model). */
const IGNORED = new Set(['model']);

describe('default-deny forwarding of chat requests', () => {
  it('the reproduction: PHI in a message name → 422 PHI_BLOCKED, nothing reaches the provider, audited', async () => {
    const { key, userId } = await gw.device();
    const before = gw.standins.openai.requests.length;
    const res = await postJson(`${gw.url}/v1/llm/chat`, key, {
      messages: [{ role: 'user', name: CANARY_ID, content: 'What is the dose?' }],
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('PHI_BLOCKED');
    for (const p of CANARY_PARTS) expect(body.error.message).not.toContain(p);
    expect(gw.standins.openai.requests.length).toBe(before);
    expect(reachedProvider()).toEqual([]);
    const audit = await gw.sql<{ action: string }>(
      'SELECT action FROM audit_log WHERE user_id = $1',
      [userId],
    );
    expect(audit).toEqual([{ action: 'phi_blocked' }]);
  });

  // Every place in the request schema a caller can put text, found by walking the schema.
  const all = slots(ChatRequest as never);

  it('the schema walk finds every text field of the request (and so of the provider body)', () => {
    const paths = all.map((s) => s.path);
    for (const p of [
      'messages[].content',
      'messages[].content[].text',
      'messages[].name',
      'messages[].tool_calls[].id',
      'messages[].tool_calls[].function.name',
      'messages[].tool_calls[].function.arguments',
      'messages[].tool_call_id',
      'tools[].function.name',
      'tools[].function.description',
      'tools[].function.parameters (key)',
      'tools[].function.parameters (nested enum)',
      'tool_choice.function.name',
      'stop',
      'stop[]',
      'response_format.json_schema.name',
      'response_format.json_schema.description',
      'response_format.json_schema.schema (key)',
      'response_format.json_schema.schema (nested enum)',
    ])
      expect(paths).toContain(p);
  });

  it.each(all.map((s) => [s.path, s] as const))(
    'a canary in %s is refused and never reaches the provider',
    async (path, slot) => {
      const request = slot.build(slot.identifier ? CANARY_ID : CANARY_TEXT);
      expect(Value.Check(ChatRequest, request)).toBe(true); // a valid request, so the guard decides
      const { key } = await gw.device();
      const before = gw.standins.openai.requests.length;
      const res = await postJson(`${gw.url}/v1/llm/chat`, key, request);
      if (IGNORED.has(path)) {
        expect(res.status).toBe(200);
        await res.text();
      } else {
        expect(res.status).toBe(422);
        expect(await res.json()).toMatchObject({ error: { code: 'PHI_BLOCKED' } });
        expect(gw.standins.openai.requests.length).toBe(before);
      }
      expect(reachedProvider()).toEqual([]);
    },
  );

  it('a clean request with every field set reaches the provider exactly as allowed (the walk covered what is sent)', async () => {
    const { key } = await gw.device();
    const schema = { type: 'object', properties: { dose: { type: 'string', enum: ['low'] } } };
    const request = {
      messages: [
        { role: 'system', content: 'You are a clinical assistant.' },
        { role: 'user', name: 'clinician_1', content: [{ type: 'text', text: 'Dose of X?' }] },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'dose', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'low' },
      ],
      model: 'ignored',
      stream: true,
      tools: [
        {
          type: 'function',
          function: {
            name: 'dose',
            description: 'Looks up a dose.',
            parameters: schema,
            strict: true,
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'dose' } },
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 100,
      max_completion_tokens: 100,
      stop: ['END'],
      seed: 7,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'answer', schema, strict: true },
      },
    };
    const before = gw.standins.openai.requests.length;
    const res = await postJson(`${gw.url}/v1/llm/chat`, key, request);
    expect(res.status).toBe(200);
    expect(sseData(await res.text()).at(-1)).toBe('[DONE]');
    const sent = gw.standins.openai.requests[before]?.body;
    const { model: _m, stream: _s, ...forwarded } = request;
    expect(sent).toEqual({
      ...forwarded,
      model: 'gpt-standin',
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  const ttsSlots = slots(TtsRequest);

  it.each(ttsSlots.map((s) => [s.path, s] as const))(
    'TTS: a canary in %s is refused and never reaches the provider',
    async (_path, slot) => {
      const request = slot.build(slot.identifier ? CANARY_ID : CANARY_TEXT);
      const valid = Value.Check(TtsRequest, request);
      const { key } = await gw.device();
      const before = gw.standins.elevenlabs.requests.length;
      const res = await postJson(`${gw.url}/v1/tts/stream`, key, request);
      // A field whose pattern no identifier fits (the output format) is refused by the schema.
      expect(res.status).toBe(valid ? 422 : 400);
      expect(gw.standins.elevenlabs.requests.length).toBe(before);
      expect(reachedProvider()).toEqual([]);
    },
  );

  const closed = closedObjects(ChatRequest as never);

  it.each(closed.map((o) => [o.path, o] as const))(
    'an unknown field in %s → 400 BAD_REQUEST before anything is sent',
    async (_path, o) => {
      const { key } = await gw.device();
      const before = gw.standins.openai.requests.length;
      const res = await postJson(`${gw.url}/v1/llm/chat`, key, o.build({ extra: CANARY_TEXT }));
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
      expect(gw.standins.openai.requests.length).toBe(before);
      expect(reachedProvider()).toEqual([]);
    },
  );

  const nested = (depth: number): Record<string, unknown> => {
    let v: Record<string, unknown> = { type: 'string' };
    for (let i = 1; i < depth; i++) v = { type: 'object', properties: { a: v } };
    return v;
  };
  const withParameters = (parameters: unknown) => ({
    messages: [{ role: 'user', content: 'Dose?' }],
    tools: [{ type: 'function', function: { name: 'dose', parameters } }],
  });

  it(`tool schemas: ${JSON_LIMITS.maxDepth} levels pass, deeper or bigger ones → coded 400`, async () => {
    const { key } = await gw.device();
    // nested(n) is 2n - 1 levels deep (an object and its `properties` per step).
    const ok = await postJson(`${gw.url}/v1/llm/chat`, key, withParameters(nested(8)));
    expect(ok.status).toBe(200);
    await ok.text();
    const before = gw.standins.openai.requests.length;
    for (const parameters of [
      nested(9),
      nested(2000), // deeper than a recursive walk with a depth cap would look
      { type: 'object', enum: Array.from({ length: JSON_LIMITS.maxNodes }, (_, i) => `v${i}`) },
    ]) {
      const res = await postJson(`${gw.url}/v1/llm/chat`, key, withParameters(parameters));
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('BAD_REQUEST');
      expect(body.error.message).toMatch(/tools\[0\] parameters/);
    }
    expect(gw.standins.openai.requests.length).toBe(before);
  });

  it('a text over the PHI detector limit → 413 PAYLOAD_TOO_LARGE (it cannot be checked, so it is not sent)', async () => {
    const { key } = await gw.device();
    const before = gw.standins.openai.requests.length;
    const res = await postJson(`${gw.url}/v1/llm/chat`, key, {
      messages: [{ role: 'user', content: 'a '.repeat(500_001) }],
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(gw.standins.openai.requests.length).toBe(before);
  });
});
