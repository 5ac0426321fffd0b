import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EgressAuditSummaryDto } from '../../shared/privacy.js';
import type { TurnRecordDto } from '../../shared/voice-turn.js';
import { EGRESS_AUDIT_FILE } from '../assistant/create.js';
import type { EgressAuditRecord } from '../egress/index.js';
import { ConversationRepository } from '../store/conversations.js';
import { openDatabase } from '../store/database.js';
import { PrivacyService, RETENTION_EVERY_MS, summarize } from './service.js';

const BASE: EgressAuditSummaryDto = {
  available: true,
  since: null,
  sent: 0,
  blocked: 0,
  pseudonymized: {},
  refusedIdentifiers: {},
  byProvider: [],
  retention: { days: 30, lastRun: null, lastDeleted: 0 },
};

const record = (r: Partial<EgressAuditRecord>): string =>
  JSON.stringify({
    id: 'x',
    at: '2026-12-07T06:00:00.000Z',
    provider: 'gateway-llm',
    providerKind: 'llm',
    dataKind: 'text',
    operation: 'request',
    action: 'pseudonymize',
    decision: 'sent',
    counts: {},
    ...r,
  } satisfies EgressAuditRecord);

describe('the egress audit summary', () => {
  it('counts requests sent and refused per destination, and identifiers replaced by kind', () => {
    const lines = [
      // Prepared (question for retrieval, then inside the prompt): not sent, not counted twice.
      record({
        operation: 'prepare',
        counts: { NAME: 1, DATE: 1, MRN: 1 },
        at: '2026-12-07T05:00:00.000Z',
      }),
      record({ operation: 'prepare', counts: { NAME: 1, DATE: 1, MRN: 1 } }),
      record({ counts: { NAME: 1, DATE: 1, MRN: 1 } }),
      record({ counts: { NAME: 2 } }),
      record({ decision: 'blocked', reason: 'EGRESS_UNPREPARED_PHI', residual: { NAME: 1 } }),
      record({ provider: 'gateway-tts', providerKind: 'tts' }),
      '{"cut by a cra', // a line cut by a crash is skipped
      record({ action: 'allow-with-baa', counts: { NAME: 5 } }), // sent as is under a BAA
    ];
    const s = summarize(lines, BASE);
    expect(s).toEqual({
      ...BASE,
      since: '2026-12-07T05:00:00.000Z',
      sent: 4,
      blocked: 1,
      pseudonymized: { NAME: 3, DATE: 1, MRN: 1 },
      refusedIdentifiers: { NAME: 1 },
      byProvider: [
        { provider: 'gateway-llm', sent: 3, blocked: 1 },
        { provider: 'gateway-tts', sent: 1, blocked: 0 },
      ],
    });
  });
});

const NO_TIMINGS: TurnRecordDto['timings'] = {
  capture: null,
  sttFinalize: null,
  phi: null,
  retrieval: null,
  llmFirstToken: null,
  ttsFirstByte: null,
  firstAudio: null,
  total: null,
};

describe('PrivacyService', () => {
  let dir: string | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('expires conversations at start and again every day, and reports it with the audit counts', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'va-privacy-'));
    const db = openDatabase({ file: path.join(dir, 'k.db'), key: Buffer.alloc(32, 0x5a) });
    const conversations = new ConversationRepository(db);
    const save = (id: string, at: string): void => {
      conversations.saveTurn({
        id: `t-${id}`,
        conversationId: id,
        startedAt: at,
        mode: 'text',
        status: 'complete',
        transcript: 'How is CKD treated?',
        answer: '',
        sentences: [],
        covered: false,
        generator: 'extractive@1',
        speech: 'none',
        timings: NO_TIMINGS,
        errors: [],
      });
      db.prepare('UPDATE conversations SET updated_at = ? WHERE id = ?').run(at, id);
    };
    save('a', '2026-11-01T00:00:00.000Z');
    save('b', '2026-12-01T12:00:00.000Z');
    await writeFile(path.join(dir, EGRESS_AUDIT_FILE), `${record({ counts: { NAME: 1 } })}\n`);
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let now = new Date('2026-12-07T00:00:00.000Z');
    const log = { info: vi.fn(), warn: vi.fn() };
    const service = new PrivacyService(
      () => Promise.resolve({ dir: dir!, conversations }),
      () => 30,
      log,
      () => now,
    );
    try {
      service.start();
      await service.sweep(); // the start's run
      expect(conversations.list().map((c) => c.id)).toEqual(['b']);
      now = new Date('2027-01-01T00:00:00.000Z'); // b is now 30½ days old
      vi.advanceTimersByTime(RETENTION_EVERY_MS - 1);
      await new Promise((resolve) => setImmediate(resolve));
      expect(conversations.list().map((c) => c.id)).toEqual(['b']); // not before the day is out
      vi.advanceTimersByTime(1); // the daily run, by itself
      for (let i = 0; i < 200 && conversations.list().length > 0; i++)
        await new Promise((resolve) => setImmediate(resolve));
      expect(conversations.list()).toEqual([]);
      const audit = await service.audit();
      expect(audit).toMatchObject({
        available: true,
        sent: 1,
        pseudonymized: { NAME: 1 },
        retention: { days: 30, lastRun: '2027-01-01T00:00:00.000Z', lastDeleted: 1 },
      });
      // Logs carry counts, never titles or questions.
      expect(JSON.stringify(log.info.mock.calls)).not.toContain('CKD');
    } finally {
      service.close();
      db.close();
    }
  });
});
