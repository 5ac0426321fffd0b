import { randomUUID } from 'node:crypto';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { AFTER_TRANSCRIPT_HEADER, afterTranscriptHeader } from '@voiceassist/contract';
import { TestPostgres } from '../../../test-support/helper.js';
import { transcriptHash } from '../../gateway/final-transcripts.js';
import type {} from '../../plugins/app/gateway.js'; // app.gateway's type
import {
  FRAME,
  openStt,
  sseData,
  startGateway,
  type GatewayFixture,
} from '../../../test-support/gateway.js';

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

/** What the STT stand-in hears in 1 s of audio: three words of its default transcript. */
const HEARD = 'the patient reports';
const chat = { messages: [{ role: 'user', content: 'What causes intermittent chest pain?' }] };

function sendChat(key: string, turn: string, transcript: string, url = gw.url): Promise<Response> {
  return fetch(`${url}/v1/llm/chat`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${key}`,
      [AFTER_TRANSCRIPT_HEADER]: afterTranscriptHeader({
        turn,
        sha256: transcriptHash(turn, transcript),
      }),
    },
    body: JSON.stringify(chat),
  });
}

/** A live STT stream for `turn` that has heard HEARD so far (not finalized). */
async function streamHeard(key: string, turn: string, url = gw.url) {
  const c = await openStt(url, key, turn);
  for (let i = 0; i < 10; i++) c.ws.send(FRAME);
  await c.waitFor((m) => JSON.stringify(m).includes(`"transcript":"${HEARD}"`));
  return c;
}

const llmRequests = () => gw.standins.openai.requests.length;

describe('a chat sent while STT finalizes (AFTER_TRANSCRIPT_HEADER)', () => {
  it('is held until the final transcript and forwarded when it is the one it was made for', async () => {
    const { key } = await gw.device();
    const turn = randomUUID();
    const c = await streamHeard(key, turn);
    const before = llmRequests();
    const pending = sendChat(key, turn, HEARD);
    let settled = false;
    void pending.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 200)); // time for an early forward, were there one
    expect(settled).toBe(false);
    expect(llmRequests()).toBe(before); // nothing reached the provider before the final
    c.ws.send(JSON.stringify({ type: 'finalize' }));
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.headers.get('server-timing')).toContain('transcript;dur=');
    expect(sseData(await res.text()).at(-1)).toBe('[DONE]');
    expect(llmRequests()).toBe(before + 1);
    c.ws.close();
  });

  it('another final transcript, an unknown turn or another device’s turn → 409 TRANSCRIPT_CHANGED, nothing forwarded', async () => {
    const { key } = await gw.device();
    const other = await gw.device();
    const turn = randomUUID();
    const c = await streamHeard(key, turn);
    const before = llmRequests();
    const differs = sendChat(key, turn, `${HEARD} intermittent`); // prepared on a longer interim
    const foreign = await sendChat(other.key, turn, HEARD); // not its stream: refused at once
    expect(foreign.status).toBe(409);
    expect(await foreign.json()).toMatchObject({ error: { code: 'TRANSCRIPT_CHANGED' } });
    const unknown = await sendChat(key, randomUUID(), HEARD);
    expect(unknown.status).toBe(409);
    c.ws.send(JSON.stringify({ type: 'finalize' }));
    const res = await differs;
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: 'TRANSCRIPT_CHANGED' } });
    // The stream has ended: its final transcript is still there for a chat arriving late.
    c.ws.close();
    await c.closed;
    const late = await sendChat(key, turn, HEARD);
    expect(late.status).toBe(200);
    await late.text();
    expect(llmRequests()).toBe(before + 1);
  });
});

describe('…with the STT stream on one server process and the chat on another', () => {
  let second: GatewayFixture;
  beforeAll(async () => {
    // A second process of the same deployment: same database, same providers, its own memory.
    second = await startGateway(pgServer, { databaseUrl: gw.databaseUrl, standins: gw.standins });
  });
  afterAll(async () => {
    await second.close();
  });

  it('is held by the other process until the final transcript, then forwarded; only hashes travel', async () => {
    const { id, key } = await gw.device();
    const turn = randomUUID();
    const c = await streamHeard(key, turn, gw.url); // STT through the first process
    const before = llmRequests();
    const pending = sendChat(key, turn, HEARD, second.url); // the chat through the second
    let settled = false;
    void pending.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(settled).toBe(false);
    expect(llmRequests()).toBe(before);
    c.ws.send(JSON.stringify({ type: 'finalize' }));
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.headers.get('server-timing')).toContain('transcript;dur=');
    expect(sseData(await res.text()).at(-1)).toBe('[DONE]');
    expect(llmRequests()).toBe(before + 1);
    // What the second process learnt from the first: the transcript's hash, not its words.
    expect(await second.app.gateway.transcripts.wait(id, turn, 1_000)).toBe(
      transcriptHash(turn, HEARD),
    );
    c.ws.close();
  });

  it('another final transcript, or another device’s turn → 409 from the other process, nothing forwarded', async () => {
    const { key } = await gw.device();
    const other = await gw.device();
    const turn = randomUUID();
    const c = await streamHeard(key, turn, second.url); // STT through the second process
    const before = llmRequests();
    const differs = sendChat(key, turn, `${HEARD} intermittent`, gw.url);
    const foreign = await sendChat(other.key, turn, HEARD, gw.url);
    expect(foreign.status).toBe(409);
    c.ws.send(JSON.stringify({ type: 'finalize' }));
    const res = await differs;
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: 'TRANSCRIPT_CHANGED' } });
    c.ws.close();
    await c.closed;
    const late = await sendChat(key, turn, HEARD, gw.url); // after the stream ended, elsewhere
    expect(late.status).toBe(200);
    await late.text();
    expect(llmRequests()).toBe(before + 1);
  });
});
