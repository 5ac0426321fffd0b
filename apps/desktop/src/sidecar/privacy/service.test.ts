import { describe, expect, it } from 'vitest';
import type { EgressAuditSummaryDto } from '../../shared/privacy.js';
import type { EgressAuditRecord } from '../egress/index.js';
import { summarize } from './service.js';

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
