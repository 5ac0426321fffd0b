import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { SPEAK_AHEAD_HEADER, SPOKEN_AHEAD_HEADER, speakAheadHeader } from '@voiceassist/contract';
import { TestPostgres } from '../../../test-support/helper.js';
import type {} from '../../plugins/app/gateway.js'; // app.gateway's type
import {
  eventually,
  postJson,
  startGateway,
  type GatewayFixture,
} from '../../../test-support/gateway.js';
import { resetFaults as clearFaults } from '../../../test-support/standins/index.js';

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

const FORMAT = 'pcm_24000';
const chat = { messages: [{ role: 'user', content: 'How long should [PATIENT_1] rest?' }] };
/** An uncited opener (the workstation drops it), then the first cited sentence. */
const REPLY = 'Let me check. [PATIENT_1] should rest for a week [2]. Then walk daily [1].';
const SPOKEN = 'the patient should rest for a week.';

async function ask(key: string, passages = 3, signal?: AbortSignal): Promise<Response> {
  return fetch(`${gw.url}/v1/llm/chat`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${key}`,
      [SPEAK_AHEAD_HEADER]: speakAheadHeader({ passages, format: FORMAT }),
    },
    body: JSON.stringify(chat),
    ...(signal ? { signal } : {}),
  });
}

const ttsTexts = () =>
  gw.standins.elevenlabs.requests.map((r) => (r.body as { text?: string }).text);

async function usage(userId: string) {
  return gw.sql<{ request_id: string; quantity: string; outcome: string }>(
    `SELECT request_id, quantity, outcome FROM usage_events
      WHERE user_id = $1 AND kind = 'tts' AND ended_at IS NOT NULL ORDER BY request_id`,
    [userId],
  );
}

describe('speak-ahead: the gateway starts TTS for the first cited sentence itself', () => {
  it('the workstation’s TTS request for that text picks up the call: one provider call, metered once', async () => {
    gw.standins.openai.options.reply = REPLY;
    const { key, userId } = await gw.device();
    const before = gw.standins.elevenlabs.requests.length;
    const res = await ask(key);
    expect(res.status).toBe(200);
    await res.text();
    // Started by the gateway, with the text the workstation would send (placeholder spoken).
    expect(ttsTexts().slice(before)).toEqual([SPOKEN]);
    expect(gw.app.gateway.speakAhead.size).toBe(1);

    const tts = await postJson(`${gw.url}/v1/tts/stream`, key, {
      text: SPOKEN,
      outputFormat: FORMAT,
    });
    expect(tts.status).toBe(200);
    expect(tts.headers.get(SPOKEN_AHEAD_HEADER)).toBe('1');
    expect((await tts.arrayBuffer()).byteLength).toBeGreaterThan(0);
    expect(ttsTexts().slice(before)).toEqual([SPOKEN]); // no second provider call
    expect(gw.app.gateway.speakAhead.size).toBe(0);
    const rows = await eventually(() => usage(userId));
    expect(rows).toEqual([
      {
        request_id: tts.headers.get('x-request-id'),
        quantity: `${SPOKEN.length}.0000`,
        outcome: 'ok',
      },
    ]);
  });

  it('other text, format or voice is a call of its own; an unclaimed call is given up and metered as cancelled', async () => {
    gw.standins.openai.options.reply = REPLY;
    const { key, userId } = await gw.device();
    const before = gw.standins.elevenlabs.requests.length;
    const res = await ask(key);
    const chatId = res.headers.get('x-request-id');
    await res.text();
    for (const body of [
      { text: 'Something else.', outputFormat: FORMAT },
      { text: SPOKEN, outputFormat: 'pcm_16000' },
      { text: SPOKEN, outputFormat: FORMAT, voiceId: 'otherVoice' },
    ]) {
      const tts = await postJson(`${gw.url}/v1/tts/stream`, key, body);
      expect(tts.status).toBe(200);
      expect(tts.headers.get(SPOKEN_AHEAD_HEADER)).toBeNull();
      await tts.arrayBuffer();
    }
    // Another device cannot claim this device's call either.
    const other = await gw.device();
    const foreign = await postJson(`${gw.url}/v1/tts/stream`, other.key, {
      text: SPOKEN,
      outputFormat: FORMAT,
    });
    expect(foreign.headers.get(SPOKEN_AHEAD_HEADER)).toBeNull();
    await foreign.arrayBuffer();
    expect(ttsTexts().slice(before)).toHaveLength(5);
    // Nobody claimed it: aborted after the provider timeout (1 s here), billed as cancelled.
    const rows = await eventually(async () => {
      const r = await usage(userId);
      return r.length === 4 ? r : [];
    });
    expect(rows.find((r) => r.request_id === `${chatId}-ahead`)).toEqual({
      request_id: `${chatId}-ahead`,
      quantity: `${SPOKEN.length}.0000`,
      outcome: 'CLIENT_CANCELLED',
    });
    expect(gw.app.gateway.speakAhead.size).toBe(0);
  });

  it('nothing is spoken ahead without the header, for an uncited answer, or when the sentence carries an identifier', async () => {
    const { key, id } = await gw.device();
    const before = gw.standins.elevenlabs.requests.length;
    gw.standins.openai.options.reply = REPLY;
    await (await postJson(`${gw.url}/v1/llm/chat`, key, chat)).text(); // no header
    await (await ask(key, 1)).text(); // only [1] counts as a passage: "[2]" cites nothing
    gw.standins.openai.options.reply = 'It is well covered. Nothing here is cited.';
    await (await ask(key)).text();
    // The detector still finds a phone number: the gateway never sends it (the workstation's
    // own request for such text is refused as usual).
    gw.standins.openai.options.reply = 'Call 617-555-0134 to book the follow-up [1]. Fine.';
    await (await ask(key)).text();
    expect(ttsTexts().slice(before)).toEqual(['Then walk daily.']); // the [1] sentence of REPLY
    // Not even refused: a text the gateway chose itself is not the device's attempt to send PHI.
    expect(
      await gw.sql(`SELECT 1 FROM audit_log WHERE device_id = $1 AND action LIKE 'phi_%'`, [id]),
    ).toEqual([]);
    await eventually(() => Promise.resolve(gw.app.gateway.speakAhead.size === 0 ? [1] : []));
  });

  it('a chat cancelled by the workstation (barge-in) gives up what it started', async () => {
    gw.standins.openai.options.reply = REPLY;
    gw.standins.openai.faults.chunkDelayMs = 200; // the answer is still streaming when we leave
    gw.standins.elevenlabs.faults.latencyMs = 300; // and its speech has not started yet
    const { key, userId } = await gw.device();
    try {
      const ac = new AbortController();
      const res = await ask(key, 3, ac.signal);
      const chatId = res.headers.get('x-request-id');
      await eventually(() => Promise.resolve(gw.app.gateway.speakAhead.size === 1 ? [1] : []));
      ac.abort();
      // The chat route has seen the cancel once it metered the chat as cancelled.
      await eventually(() =>
        gw.sql(
          `SELECT 1 FROM usage_events
            WHERE request_id = $1 AND kind = 'llm' AND outcome = 'CLIENT_CANCELLED'`,
          [chatId],
        ),
      );
      expect(gw.app.gateway.speakAhead.size).toBe(0);
      // Released, not merely unclaimed: the same sentence asked for now is a call of its own.
      const tts = await postJson(`${gw.url}/v1/tts/stream`, key, {
        text: SPOKEN,
        outputFormat: FORMAT,
      });
      expect(tts.status).toBe(200);
      expect(tts.headers.get(SPOKEN_AHEAD_HEADER)).toBeNull();
      await tts.arrayBuffer();
      // Aborted before the provider produced audio: nothing billed for it.
      const rows = await eventually(() => usage(userId));
      expect(rows.map((r) => r.request_id)).toEqual([tts.headers.get('x-request-id')]);
    } finally {
      clearFaults(gw.standins.openai.faults);
      clearFaults(gw.standins.elevenlabs.faults);
    }
  });
});
