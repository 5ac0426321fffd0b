import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { MemoryVaultStore, type VaultStore } from '@voiceassist/phi';
import { WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EgressError,
  EgressGuard,
  JsonlFileAuditSink,
  MemoryAuditSink,
  type ProviderConfig,
} from './index.js';

const PHI = 'Mr. John Smith, MRN: ST-998877, seen 7/22 at Stanford Hospital';
const PHI_VALUES = ['John', 'Smith', 'ST-998877', '7/22', 'Stanford'];

let server: Server;
let origin: string;
const received: string[] = [];

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  // A stand-in LLM endpoint speaking OpenAI's chat-completions JSON.
  server = createServer((req, res) => {
    void bodyOf(req).then((body) => {
      received.push(body);
      let echo = '';
      try {
        echo =
          (JSON.parse(body) as { messages?: { content: string }[] }).messages?.[0]?.content ?? '';
      } catch {
        // audio or empty body: nothing to echo
      }
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({ choices: [{ message: { role: 'assistant', content: `About ${echo}` } }] }),
      );
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

function providers(): ProviderConfig[] {
  return [
    { id: 'llm', kind: 'llm', origins: [origin], baa: false, policy: { text: 'pseudonymize' } },
    {
      id: 'llm-baa',
      kind: 'llm',
      origins: [origin],
      baa: true,
      policy: { text: 'allow-with-baa' },
    },
    { id: 'llm-blocked', kind: 'llm', origins: [origin], baa: false, policy: { text: 'block' } },
    {
      id: 'stt-no-baa',
      kind: 'stt',
      origins: [origin],
      baa: false,
      policy: { audio: 'allow-with-baa' },
    },
    {
      id: 'stt',
      kind: 'stt',
      origins: [origin],
      baa: true,
      policy: { audio: 'allow-with-baa', text: 'pseudonymize' },
    },
  ];
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof EgressError) return err.code;
    throw err;
  }
  return 'resolved';
}

describe('EgressGuard', () => {
  it('pseudonymizes text, sends it, audits counts without values, and restores the answer', async () => {
    const audit = new MemoryAuditSink();
    const guard = new EgressGuard({ providers: providers(), audit });
    const prepared = await guard.prepareText({ provider: 'llm', conversationId: 'c1', text: PHI });
    expect(prepared.text).toBe('Mr. [PATIENT_1], MRN: [MRN_1], seen [DATE_1] at [FACILITY_1]');
    expect(prepared.counts).toEqual({ NAME: 1, MRN: 1, DATE: 1, FACILITY: 1 });
    const before = received.length;
    const res = await guard.fetch(
      'llm',
      `${origin}/v1/chat/completions?x=1`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'gpt-4o-2024-08-06',
          messages: [{ role: 'user', content: prepared.text }],
        }),
      },
      { conversationId: 'c1' },
    );
    const answer = ((await res.json()) as { choices: { message: { content: string } }[] })
      .choices[0]!.message.content;
    expect(received.slice(before).join('')).not.toMatch(/John|Smith|ST-998877|Stanford/);
    expect(await guard.restoreText({ conversationId: 'c1', text: answer })).toBe(`About ${PHI}`);
    expect(audit.records.map((r) => [r.operation, r.decision, r.counts])).toEqual([
      ['prepare', 'sent', { NAME: 1, MRN: 1, DATE: 1, FACILITY: 1 }],
      ['request', 'sent', { NAME: 1, MRN: 1, DATE: 1, FACILITY: 1 }],
    ]);
    expect(audit.records[1]?.destination).toBe(`${origin}/v1/chat/completions`);
    const serialized = JSON.stringify(audit.records);
    for (const v of PHI_VALUES) expect(serialized).not.toContain(v);
  });

  it('prepareParts: the clinician’s words are scanned, trusted source text is replaced only at its stored spans', async () => {
    const audit = new MemoryAuditSink();
    const guard = new EgressGuard({ providers: providers(), audit });
    // The strict detector would take the phone number and the email; the spans stored at ingest
    // (sources mode) name only the email, so only the email is replaced.
    const source =
      'The Human Phenotype Ontology lists it. Registry: 555-201-7788, reg@example.org.';
    const emailAt = source.indexOf('reg@example.org');
    const prepared = await guard.prepareParts({
      provider: 'llm',
      conversationId: 'c-parts',
      parts: [
        { text: 'Passages:\n', sourceSpans: [] },
        {
          text: source,
          sourceSpans: [{ start: emailAt, end: emailAt + 'reg@example.org'.length, type: 'EMAIL' }],
        },
        { text: '\n\nQuestion: ', sourceSpans: [] },
        { text: PHI },
      ],
    });
    expect(prepared.text).toBe(
      'Passages:\nThe Human Phenotype Ontology lists it. Registry: 555-201-7788, [EMAIL_1].\n\nQuestion: Mr. [PATIENT_1], MRN: [MRN_1], seen [DATE_1] at [FACILITY_1]',
    );
    expect(prepared.counts).toEqual({ EMAIL: 1, NAME: 1, MRN: 1, DATE: 1, FACILITY: 1 });
    // The prepared text leaves as it is (it is not scanned again in full at the request).
    const before = received.length;
    await guard.fetch(
      'llm',
      `${origin}/v1/chat/completions`,
      {
        method: 'POST',
        body: JSON.stringify({ messages: [{ role: 'user', content: prepared.text }] }),
      },
      { conversationId: 'c-parts' },
    );
    const sent = received.slice(before).join('');
    expect(sent).toContain('Human Phenotype Ontology');
    for (const v of PHI_VALUES) expect(sent).not.toContain(v);
    expect(JSON.stringify(audit.records)).not.toMatch(/John|Smith|reg@example/);
  });

  it('does not let a prepared text vouch for anything else in the same body', async () => {
    const audit = new MemoryAuditSink();
    const guard = new EgressGuard({ providers: providers(), audit });
    const prepared = await guard.prepareText({ provider: 'llm', conversationId: 'c1', text: PHI });
    const before = received.length;
    const code = await codeOf(
      guard.fetch(
        'llm',
        `${origin}/v1/chat/completions`,
        {
          method: 'POST',
          body: JSON.stringify({
            messages: [
              { role: 'user', content: prepared.text },
              { role: 'user', content: `${prepared.text} ${PHI}` },
            ],
          }),
        },
        { conversationId: 'c1' },
      ),
    );
    expect(code).toBe('EGRESS_UNPREPARED_PHI');
    expect(received.length).toBe(before);
  });

  it('carries identifiers across messages: a surname given alone later never leaves', async () => {
    const audit = new MemoryAuditSink();
    const guard = new EgressGuard({ providers: providers(), audit });
    await guard.prepareText({ provider: 'llm', conversationId: 'c-q', text: 'Mr John Quimby, 71' });
    const later = await guard.prepareText({
      provider: 'llm',
      conversationId: 'c-q',
      text: 'Surname: Quimby. Does quimby need a statin?',
    });
    expect(later.text).not.toMatch(/quimby/i);
    // A body built without prepareText is refused when it names the known surname, even in a
    // form the detector alone would pass.
    const code = await codeOf(
      guard.fetch(
        'llm',
        `${origin}/v1/chat/completions`,
        {
          method: 'POST',
          body: JSON.stringify({ messages: [{ role: 'user', content: 'ask quimby' }] }),
        },
        { conversationId: 'c-q' },
      ),
    );
    expect(code).toBe('EGRESS_UNPREPARED_PHI');
  });

  it('sees through evasions: spelled, dashed, Arabic-Indic and fullwidth digits, hidden characters', async () => {
    const guard = new EgressGuard({ providers: providers(), audit: new MemoryAuditSink() });
    const evasions = [
      'call 4104226213',
      'call 410–422–6213',
      'call four one zero, four two two, six two one three',
      'call ٤١٠-٤٢٢-٦٢١٣',
      'DOB １２/０１/１９４８, MRN ８８２１３４５',
      'MRN 8821\u00AD3456',
    ];
    for (const text of evasions) {
      const prepared = await guard.prepareText({ provider: 'llm', conversationId: 'c-e', text });
      expect(prepared.text, text).not.toMatch(/\p{Nd}{3}|four one/u);
    }
    const named = await guard.prepareText({
      provider: 'llm',
      conversationId: 'c-z',
      text: 'Patient Jo\u200Bhn Quimby was seen',
    });
    expect(named.text).toBe('Patient [PATIENT_1] was seen');
  });

  it('refuses a payload that still carries identifiers, and sends nothing', async () => {
    const audit = new MemoryAuditSink();
    const guard = new EgressGuard({ providers: providers(), audit });
    const before = received.length;
    const code = await codeOf(
      guard.fetch('llm', `${origin}/v1/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({ messages: [{ role: 'user', content: PHI }] }),
      }),
    );
    expect(code).toBe('EGRESS_UNPREPARED_PHI');
    expect(received.length).toBe(before);
    expect(audit.records[0]).toMatchObject({
      decision: 'blocked',
      reason: 'EGRESS_UNPREPARED_PHI',
    });
    expect(audit.records[0]?.residual?.NAME).toBe(1);
  });

  it('refuses a tool schema nested too deep to scan entirely (or a body too big), audited; keys are scanned too', async () => {
    const audit = new MemoryAuditSink();
    const guard = new EgressGuard({ providers: providers(), audit });
    const chat = (parameters: unknown) =>
      JSON.stringify({
        messages: [{ role: 'user', content: 'Dose?' }],
        tools: [{ type: 'function', function: { name: 'dose', parameters } }],
      });
    let deep: unknown = { description: PHI };
    for (let i = 0; i < 40; i++) deep = { type: 'object', properties: { a: deep } };
    const before = received.length;
    const send = (body: string) =>
      codeOf(guard.fetch('llm', `${origin}/v1/chat/completions`, { method: 'POST', body }));
    expect(await send(chat(deep))).toBe('EGRESS_PAYLOAD_TOO_COMPLEX');
    const wide = { enum: Array.from({ length: 200_001 }, (_, i) => i) };
    expect(await send(chat(wide))).toBe('EGRESS_PAYLOAD_TOO_COMPLEX');
    expect(await send(chat({ properties: { [PHI]: { type: 'string' } } }))).toBe(
      'EGRESS_UNPREPARED_PHI',
    );
    expect(received.length).toBe(before);
    expect(audit.records.map((r) => [r.decision, r.reason])).toEqual([
      ['blocked', 'EGRESS_PAYLOAD_TOO_COMPLEX'],
      ['blocked', 'EGRESS_PAYLOAD_TOO_COMPLEX'],
      ['blocked', 'EGRESS_UNPREPARED_PHI'],
    ]);
  });

  it('refuses unknown providers, foreign origins, blocked kinds and missing BAAs', async () => {
    const audit = new MemoryAuditSink();
    const guard = new EgressGuard({ providers: providers(), audit });
    expect(await codeOf(guard.fetch('nobody', `${origin}/x`))).toBe('EGRESS_UNKNOWN_PROVIDER');
    expect(await codeOf(guard.fetch('llm', 'http://127.0.0.2:9/x'))).toBe(
      'EGRESS_DESTINATION_DENIED',
    );
    expect(
      await codeOf(guard.prepareText({ provider: 'llm-blocked', conversationId: 'c', text: 'hi' })),
    ).toBe('EGRESS_BLOCKED');
    expect(
      await codeOf(
        guard.fetch('stt-no-baa', `${origin}/listen`, {
          method: 'POST',
          body: new Uint8Array(320),
        }),
      ),
    ).toBe('EGRESS_NO_BAA');
    expect(
      await codeOf(
        guard.fetch('llm', `${origin}/audio`, { method: 'POST', body: new Uint8Array(320) }),
      ),
    ).toBe('EGRESS_BLOCKED');
    expect(audit.records.every((r) => r.decision === 'blocked')).toBe(true);
  });

  it('sends as is under a BAA and records what was sent by type', async () => {
    const audit = new MemoryAuditSink();
    const guard = new EgressGuard({ providers: providers(), audit });
    const prepared = await guard.prepareText({
      provider: 'llm-baa',
      conversationId: 'c',
      text: PHI,
    });
    expect(prepared.text).toBe(PHI);
    expect(prepared.action).toBe('allow-with-baa');
    const res = await guard.fetch('stt', `${origin}/listen`, {
      method: 'POST',
      body: new Uint8Array(320),
    });
    expect(res.ok).toBe(true);
    expect(audit.records.map((r) => [r.action, r.dataKind, r.counts])).toEqual([
      ['allow-with-baa', 'text', { NAME: 1, MRN: 1, DATE: 1, FACILITY: 1 }],
      ['allow-with-baa', 'audio', {}],
    ]);
  });

  it('keeps placeholders across guard restarts through the VaultStore, with date shifting', async () => {
    const store = new MemoryVaultStore();
    const make = (): EgressGuard =>
      new EgressGuard({
        providers: providers(),
        audit: new MemoryAuditSink(),
        vaultStore: store,
        dateShiftDays: () => 10,
      });
    const a = await make().prepareText({
      provider: 'llm',
      conversationId: 'c9',
      text: 'John Smith admitted 2023-01-08',
    });
    expect(a.text).toBe('[PATIENT_1] admitted 2023-01-18');
    const guard = make();
    const b = await guard.prepareText({
      provider: 'llm',
      conversationId: 'c9',
      text: 'Is John Smith ready?',
    });
    expect(b.text).toBe('Is [PATIENT_1] ready?');
    // The shifted date is not taken for leftover PHI when the prepared text is sent.
    await guard.fetch(
      'llm',
      `${origin}/v1/chat/completions`,
      { method: 'POST', body: JSON.stringify({ messages: [{ role: 'user', content: a.text }] }) },
      { conversationId: 'c9' },
    );
    expect(
      await guard.restoreText({ conversationId: 'c9', text: '[patient_1] since 2023-01-18' }),
    ).toBe('John Smith since 2023-01-08');
  });

  it('writes the vault when it gains a placeholder, before the text is returned, and only then', async () => {
    const inner = new MemoryVaultStore();
    const saves: number[] = [];
    const store: VaultStore = {
      load: (id) => inner.load(id),
      save: (id, snapshot) => {
        saves.push(snapshot.entries.length);
        return inner.save(id, snapshot);
      },
    };
    const make = (): EgressGuard =>
      new EgressGuard({ providers: providers(), audit: new MemoryAuditSink(), vaultStore: store });
    const prepare = (guard: EgressGuard, text: string) =>
      guard.prepareText({ provider: 'llm', conversationId: 'c7', text });
    const guard = make();
    await prepare(guard, 'Is John Smith ready?');
    expect(saves).toEqual([1]); // stored before the pseudonymized text could leave
    await prepare(guard, 'Is John Smith ready?');
    await prepare(guard, 'What is hypertension?');
    expect(saves).toEqual([1]); // nothing new: no write
    await prepare(guard, 'And Mary Jones, MRN 12345678?');
    expect(saves.length).toBe(2);
    expect(saves[1]).toBeGreaterThan(1);
    const restarted = make();
    expect((await prepare(restarted, 'Is John Smith ready?')).text).toBe('Is [PATIENT_1] ready?');
    expect(saves.length).toBe(2); // a vault loaded from the store is not written back unchanged
  });

  it('preconnects only to a provider origin, without content or audit, and not while recently used', async () => {
    const audit = new MemoryAuditSink();
    const guard = new EgressGuard({ providers: providers(), audit });
    const before = received.length;
    await guard.preconnect('llm', 'http://127.0.0.2:9/health', 2); // not an llm origin: refused
    await guard.preconnect('nobody', `${origin}/health`, 2); // unknown provider: refused
    expect(received.length).toBe(before);
    await guard.preconnect('llm', `${origin}/health`, 2, 20_000);
    expect(received.slice(before)).toEqual(['', '']); // two GETs, no body
    await guard.preconnect('llm', `${origin}/health`, 2, 20_000); // within 20 s: skipped
    expect(received.length).toBe(before + 2);
    expect(audit.records).toEqual([]);
    // A request sent through the guard counts as recent use as well.
    const other = new EgressGuard({ providers: providers(), audit });
    await (await other.fetch('llm', `${origin}/x`)).text();
    await other.preconnect('llm', `${origin}/health`, 2, 20_000);
    expect(received.length).toBe(before + 3);
  });

  it('exposes a fetch bound to a provider for SDKs', async () => {
    const guard = new EgressGuard({ providers: providers(), audit: new MemoryAuditSink() });
    const f = guard.fetchFor('llm', { conversationId: 'c1' });
    const res = await f(`${origin}/v1/models`);
    expect(res.ok).toBe(true);
    expect(await codeOf(f('http://127.0.0.2:9/v1/models'))).toBe('EGRESS_DESTINATION_DENIED');
  });

  it('guards WebSocket streams: audio under a BAA, text only when pseudonymized', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(wss, 'listening');
    const port = (wss.address() as AddressInfo).port;
    const got: string[] = [];
    wss.on('connection', (ws) =>
      ws.on('message', (m, isBinary) =>
        got.push(isBinary ? 'binary' : (m as Buffer).toString('utf8')),
      ),
    );
    const wsProviders: ProviderConfig[] = [
      {
        id: 'stt',
        kind: 'stt',
        origins: [`ws://127.0.0.1:${port}`],
        baa: true,
        policy: { audio: 'allow-with-baa', text: 'pseudonymize' },
      },
      {
        id: 'stt-no-baa',
        kind: 'stt',
        origins: [`ws://127.0.0.1:${port}`],
        baa: false,
        policy: { audio: 'allow-with-baa' },
      },
    ];
    const audit = new MemoryAuditSink();
    const guard = new EgressGuard({ providers: wsProviders, audit });
    try {
      expect(await codeOf(guard.openWebSocket('stt-no-baa', `ws://127.0.0.1:${port}/listen`))).toBe(
        'EGRESS_NO_BAA',
      );
      const s = await guard.openWebSocket('stt', `ws://127.0.0.1:${port}/listen`, {
        conversationId: 'w1',
      });
      await once(s.socket, 'open');
      await s.send(new Uint8Array(640));
      expect(await codeOf(s.send(JSON.stringify({ type: 'KeepAlive', note: PHI })))).toBe(
        'EGRESS_UNPREPARED_PHI',
      );
      await s.send(JSON.stringify({ type: 'KeepAlive' }));
      s.close();
      await once(s.socket, 'close');
      await new Promise((r) => setTimeout(r, 50));
      expect(got).toEqual(['binary', '{"type":"KeepAlive"}']);
      expect(audit.records.map((r) => [r.operation, r.decision])).toEqual([
        ['websocket', 'blocked'],
        ['websocket', 'sent'],
        ['message', 'blocked'],
        ['message', 'sent'],
      ]);
    } finally {
      wss.close();
    }
  });

  it('JsonlFileAuditSink appends one record per line, counts only', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'egress-audit-'));
    try {
      const file = path.join(dir, 'audit', 'egress.jsonl');
      const sink = new JsonlFileAuditSink(file);
      const guard = new EgressGuard({ providers: providers(), audit: sink });
      await guard.prepareText({ provider: 'llm', conversationId: 'c', text: PHI });
      await guard.prepareText({ provider: 'llm', conversationId: 'c', text: 'Call 410-422-6213' });
      sink.close();
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const text = await readFile(file, 'utf8');
      const lines = text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { counts: Record<string, number> });
      expect(lines.map((l) => l.counts)).toEqual([
        { NAME: 1, MRN: 1, DATE: 1, FACILITY: 1 },
        { PHONE: 1 },
      ]);
      for (const v of [...PHI_VALUES, '410-422-6213']) expect(text).not.toContain(v);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
