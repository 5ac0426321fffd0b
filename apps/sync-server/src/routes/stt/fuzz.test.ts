import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { pino } from 'pino';
import { Value } from 'typebox/value';
import { GatewayErrorCode } from '@voiceassist/contract';
import { TestPostgres } from '../../../test-support/helper.js';
import {
  eventually,
  openStt,
  startGateway,
  type GatewayFixture,
} from '../../../test-support/gateway.js';

/**
 * Property-based test of the STT WebSocket protocol: any sequence of audio frames, control
 * messages, junk text, invalid UTF-8 and hang-ups ends the session with a known close code,
 * every message the server sends is JSON (errors coded), the server stays up, nothing is logged
 * as our own error, and every session is metered with a registered outcome. Bounded in runs and
 * time (CI).
 */

let pgServer: TestPostgres;
let gw: GatewayFixture;
let key: string;
let deviceId: string;
const errors: unknown[] = [];
beforeAll(async () => {
  pgServer = await TestPostgres.start();
  const logger = pino(
    { level: 'error' },
    { write: (line: string) => void errors.push(JSON.parse(line)) },
  );
  gw = await startGateway(pgServer, { env: { DEVICE_FAILURES_PER_MINUTE: '100000' }, logger });
  const d = await gw.device();
  key = d.key;
  deviceId = d.id;
});
afterAll(async () => {
  await gw.close();
  await pgServer.stop();
});

type Step =
  | { kind: 'audio'; bytes: number }
  | { kind: 'text'; text: string }
  | { kind: 'invalid-utf8'; bytes: Uint8Array }
  | { kind: 'hang-up' };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .integer({ min: 0, max: 16_000 })
      .map((bytes) => ({ kind: 'audio' as const, bytes })),
  },
  {
    weight: 3,
    arbitrary: fc
      .oneof(
        fc
          .constantFrom('finalize', 'close', 'keepalive', 'Finalize', 'CloseStream')
          .map((t) => JSON.stringify({ type: t })),
        fc.jsonValue().map((v) => JSON.stringify(v)),
        fc.string(),
      )
      .map((text) => ({ kind: 'text' as const, text })),
  },
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ minLength: 1, maxLength: 8 })
      .map((b) => ({ kind: 'invalid-utf8' as const, bytes: Uint8Array.from([0xff, ...b]) })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'hang-up' as const }) },
);

/** Close codes a session may end with: normal, policy (flood), bad data, ours, revoked. */
const CLOSE_CODES = [1000, 1005, 1006, 1007, 1008, 1009, 1011];

describe('fuzzing the STT WebSocket protocol', () => {
  it('any sequence of frames ends in a known way, with coded errors, metered, the server unharmed', async () => {
    const sessions: string[] = [];
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 12 }), async (steps) => {
        const c = await openStt(gw.url, key);
        for (const s of steps) {
          if (c.ws.readyState !== c.ws.OPEN) break;
          if (s.kind === 'audio') c.ws.send(Buffer.alloc(s.bytes, 1));
          else if (s.kind === 'text') c.ws.send(s.text);
          else if (s.kind === 'invalid-utf8') c.ws.send(s.bytes, { binary: false });
          else c.ws.terminate();
        }
        if (c.ws.readyState === c.ws.OPEN) c.ws.send(JSON.stringify({ type: 'close' }));
        const closed = await c.closed;
        expect(CLOSE_CODES).toContain(closed.code);
        for (const m of c.messages) {
          expect(typeof m.type).toBe('string');
          if (m.type === 'Error') {
            const e = m.error as { code?: unknown } | undefined;
            expect(Value.Check(GatewayErrorCode, e?.code)).toBe(true);
          }
        }
        sessions.push('x');
      }),
      { numRuns: 40, interruptAfterTimeLimit: 40_000 },
    );
    expect((await fetch(`${gw.url}/health`)).status).toBe(200);
    expect(errors).toEqual([]);
    const outcomes = await eventually(async () => {
      const rows = await gw.sql<{ outcome: string }>(
        `SELECT outcome FROM usage_events WHERE device_id = $1 AND ended_at IS NOT NULL`,
        [deviceId],
      );
      return rows.length >= sessions.length ? rows : undefined;
    });
    expect(outcomes).toHaveLength(sessions.length);
    for (const { outcome } of outcomes ?? [])
      expect(outcome === 'ok' || Value.Check(GatewayErrorCode, outcome)).toBe(true);
  });
});
