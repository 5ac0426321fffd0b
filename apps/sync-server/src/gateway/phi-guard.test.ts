import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { TestPostgres } from '../../test-support/helper.js';
import { postJson, startGateway, type GatewayFixture } from '../../test-support/gateway.js';
import { countPhi } from './phi-guard.js';

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

/** Identifiers a workstation should have pseudonymized; none may reach a provider. */
const CANARY_MRN = '48392017';
const CANARY_PHONE = '(617) 555-0142';
const CANARY_DOB = '04/12/1957';
const canaryText = `Patient MRN ${CANARY_MRN}, DOB ${CANARY_DOB}, phone ${CANARY_PHONE}, reports chest pain.`;

type AuditRow = {
  action: string;
  provider: string;
  detail: { kind: string; counts: Record<string, number>; total: number };
};

describe('second PHI guard', () => {
  it('the canary is detected by @voiceassist/phi', () => {
    const counts = countPhi([canaryText]);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2);
  });

  it('refuses LLM text carrying identifiers with 422 PHI_BLOCKED; nothing reaches the provider; audited by counts only', async () => {
    const { key, userId } = await gw.device();
    const messages = [
      { role: 'system', content: 'You are a clinical assistant.' },
      { role: 'user', content: canaryText },
    ];
    const res = await postJson(`${gw.url}/v1/llm/chat`, key, { messages });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('PHI_BLOCKED');
    for (const v of [CANARY_MRN, CANARY_PHONE, CANARY_DOB])
      expect(body.error.message).not.toContain(v);

    const recorded = gw.standins.allRecorded();
    for (const v of [CANARY_MRN, CANARY_PHONE, CANARY_DOB, 'chest pain'])
      expect(recorded).not.toContain(v);

    const rows = await gw.sql<AuditRow>(
      `SELECT action, provider, detail FROM audit_log WHERE user_id = $1`,
      [userId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: 'phi_blocked',
      provider: 'openai',
      detail: { kind: 'llm' },
    });
    expect(rows[0]?.detail.total).toBeGreaterThanOrEqual(2);
    const audit = JSON.stringify(rows);
    for (const v of [CANARY_MRN, CANARY_PHONE, CANARY_DOB]) expect(audit).not.toContain(v);
  });

  it('a resent conversation is refused as soon as a new turn carries identifiers (only clean texts are remembered)', async () => {
    const { key } = await gw.device();
    const history = [
      { role: 'system', content: 'You are a clinical assistant.' },
      { role: 'user', content: 'What does a raised troponin mean?' },
    ];
    const first = await postJson(`${gw.url}/v1/llm/chat`, key, { messages: history });
    expect(first.status).toBe(200);
    await first.text();
    const res = await postJson(`${gw.url}/v1/llm/chat`, key, {
      messages: [...history, { role: 'user', content: canaryText }],
    });
    expect(res.status).toBe(422);
    expect(gw.standins.allRecorded()).not.toContain(CANARY_MRN);
  });

  it('scans tool-call arguments and tool results too', async () => {
    const { key } = await gw.device();
    const messages = [
      { role: 'user', content: 'Look up the patient.' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'c1',
            type: 'function',
            function: { name: 'lookup', arguments: `{"mrn":"MRN ${CANARY_MRN}"}` },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: `phone ${CANARY_PHONE}` },
    ];
    const res = await postJson(`${gw.url}/v1/llm/chat`, key, { messages });
    expect(res.status).toBe(422);
    expect(gw.standins.allRecorded()).not.toContain(CANARY_MRN);
  });

  it('refuses TTS text carrying identifiers', async () => {
    const { key } = await gw.device();
    const res = await postJson(`${gw.url}/v1/tts/stream`, key, { text: canaryText });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: { code: 'PHI_BLOCKED' } });
    expect(gw.standins.allRecorded()).not.toContain(CANARY_MRN);
  });

  it('allows it to a provider the clinic has a BAA with, and audits that by counts', async () => {
    await gw.sql(`INSERT INTO clinics (id, name) VALUES ('baa', 'BAA clinic')`);
    await gw.sql(
      `INSERT INTO clinic_provider_policy (clinic_id, provider, baa_covered) VALUES ('baa', 'openai', true)`,
    );
    const { key, userId } = await gw.device('baa');
    const res = await postJson(`${gw.url}/v1/llm/chat`, key, {
      messages: [{ role: 'user', content: canaryText }],
    });
    expect(res.status).toBe(200);
    await res.text();
    expect(
      gw.standins.openai.requests.some((r) => JSON.stringify(r.body).includes(CANARY_MRN)),
    ).toBe(true);
    const rows = await gw.sql<AuditRow>(`SELECT action FROM audit_log WHERE user_id = $1`, [
      userId,
    ]);
    expect(rows).toEqual([{ action: 'phi_allowed_baa' }]);
    // The BAA covers openai only: ElevenLabs still refuses.
    const tts = await postJson(`${gw.url}/v1/tts/stream`, key, { text: canaryText });
    expect(tts.status).toBe(422);
  });
});
