import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRequest } from '../../shared/protocol.js';
import { HealthMonitor } from '../health.js';
import { HashingEmbedder } from '../knowledge/hashing-embedder.js';
import { KnowledgeBase } from '../knowledge/kb.js';
import { createHandlers } from '../rpc/handlers.js';
import { RpcServer } from '../rpc/server.js';
import { CalcHistoryRepository } from './history.js';
import { CalculatorsRpc } from './rpc.js';

const silent = pino({ level: 'silent' });
const KEY = Buffer.alloc(32, 7);

/** The engine's RPC server with the calculators over a real encrypted store in a temp folder. */
describe('calc.* calls through the RPC server, history in the encrypted store', () => {
  let dir: string;
  let kb: KnowledgeBase;
  let sent: { seq: number; result: { ok: boolean; value?: unknown; error?: { code: string } } }[];
  let call: (method: string, input: unknown) => Promise<(typeof sent)[number]['result']>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'va-calc-rpc-'));
    kb = KnowledgeBase.open({
      file: path.join(dir, 'knowledge.db'),
      key: KEY,
      embedder: new HashingEmbedder(64),
    });
    const repo = new CalcHistoryRepository(kb.db);
    const server = new RpcServer(
      createHandlers({
        health: new HealthMonitor({ version: '1', serverUrl: undefined }),
        calculators: new CalculatorsRpc(() => Promise.resolve(repo)),
      }),
      silent,
    );
    sent = [];
    const peer = server.attach({ id: 't', send: (text) => sent.push(JSON.parse(text) as never) });
    let seq = 0;
    call = async (method, input) => {
      const s = ++seq;
      await peer.receive(encodeRequest(s, method, input));
      const reply = sent.find((m) => m.seq === s);
      if (!reply) throw new Error('no reply');
      return reply.result;
    };
  });
  afterAll(async () => {
    await kb.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists every calculator with units, ranges, options and source', async () => {
    const r = await call('calc.list', {});
    const list = r.value as { id: string; inputs: { name: string; units: string[] }[] }[];
    expect(list.length).toBeGreaterThanOrEqual(30);
    const egfr = list.find((c) => c.id === 'egfr-ckd-epi-2021');
    expect(egfr?.inputs.find((i) => i.name === 'creatinine')?.units).toEqual(
      expect.arrayContaining(['mg/dL', 'µmol/L']),
    );
  });

  it('runs a calculator with provenance, keeps the result in the history (survives reopening)', async () => {
    const r = await call('calc.run', {
      calculatorId: 'egfr-ckd-epi-2021',
      inputs: {
        age: { value: 67, provenance: 'spoken' },
        sex: { value: 'female', provenance: 'typed' },
        creatinine: { value: 1.4, unit: 'mg/dL', provenance: 'typed' },
      },
    });
    expect(r).toMatchObject({
      ok: true,
      value: {
        status: 'ok',
        historyId: 1,
        result: { display: '41', source: expect.stringContaining('Inker') as unknown },
      },
    });
    const history = await call('calc.history', {});
    expect(history.value).toMatchObject([
      { id: 1, result: { calculatorId: 'egfr-ckd-epi-2021', display: '41' } },
    ]);
    const row = kb.db.prepare('SELECT count(*) AS n FROM calc_history').get() as { n: number };
    expect(row.n).toBe(1);
  });

  it('asks for what is missing and refuses out of range: never a number, nothing stored', async () => {
    expect(
      await call('calc.run', {
        calculatorId: 'crcl-cockcroft-gault',
        inputs: { age: { value: 80, provenance: 'typed' } },
      }),
    ).toMatchObject({ value: { status: 'needs-input' } });
    expect(
      await call('calc.run', {
        calculatorId: 'bmi',
        inputs: {
          weight: { value: 7000, unit: 'kg', provenance: 'typed' },
          height: { value: 170, unit: 'cm', provenance: 'typed' },
        },
      }),
    ).toMatchObject({ value: { status: 'error', error: { code: 'CALC_INPUT_OUT_OF_RANGE' } } });
    expect((await call('calc.history', {})).value).toHaveLength(1);
  });

  it('reads words into the form; the receiving side checks the schema', async () => {
    expect(
      await call('calc.parse', {
        text: 'CKD-EPI for creatinine 1.4, 67-year-old woman',
        said: 'spoken',
      }),
    ).toMatchObject({
      value: {
        kind: 'request',
        calculatorId: 'egfr-ckd-epi-2021',
        inputs: { age: { value: 67, provenance: 'spoken' } },
      },
    });
    for (const bad of [
      { calculatorId: 'bmi', inputs: { weight: { value: 70, provenance: 'magic' } } },
      { calculatorId: 'bmi', inputs: {}, extra: true },
      { calculatorId: '../../etc', inputs: {} },
    ])
      expect(await call('calc.run', bad)).toMatchObject({
        ok: false,
        error: { code: 'RPC_INVALID_INPUT' },
      });
    expect(await call('calc.run', { calculatorId: 'no-such-calc', inputs: {} })).toMatchObject({
      ok: false,
      error: { code: 'CALC_UNKNOWN' },
    });
  });

  it('without a profile, results are still calculated and history says why it is missing', async () => {
    const server = new RpcServer(
      createHandlers({ health: new HealthMonitor({ version: '1', serverUrl: undefined }) }),
      silent,
    );
    const out: { result: unknown }[] = [];
    const peer = server.attach({ id: 'n', send: (t) => out.push(JSON.parse(t) as never) });
    await peer.receive(
      encodeRequest(1, 'calc.run', {
        calculatorId: 'bmi',
        inputs: {
          weight: { value: 70, unit: 'kg', provenance: 'typed' },
          height: { value: 175, unit: 'cm', provenance: 'typed' },
        },
      }),
    );
    await peer.receive(encodeRequest(2, 'calc.history', {}));
    expect(out[0]?.result).toMatchObject({ ok: true, value: { status: 'ok' } });
    expect(out[0]?.result).not.toHaveProperty('value.historyId');
    expect(out[1]?.result).toMatchObject({
      ok: false,
      error: { code: 'CALC_HISTORY_NOT_AVAILABLE' },
    });
  });
});
