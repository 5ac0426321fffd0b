import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CallStatus, GATEWAY_PATHS } from '@voiceassist/contract';
import { AppError, ERRORS } from '../../errors.js';
import { toGatewayCode } from '../../gateway/calls.js';
import { IN_PROGRESS, type Kind } from '../../gateway/metering.js';

/**
 * `GET /v1/calls/:requestId`: how a streaming call (LLM, TTS) ended, for the device that made it.
 * A TTS stream that fails after its first byte can only break the connection; the client reads
 * the coded reason here with the `x-request-id` it got. Answered from this process's memory, or
 * from the call's metered outcome when another server process handled it.
 */
const calls: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  app.get(
    `${GATEWAY_PATHS.calls}/:requestId`,
    {
      schema: {
        // Request ids are UUIDs (with a suffix for calls the gateway started itself).
        params: Type.Object({
          requestId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
        }),
        response: { 200: CallStatus },
      },
      onRequest: app.authenticate,
    },
    async (req) => {
      const p = req.principal;
      if (!p) throw new AppError('AUTH_REQUIRED');
      const { requestId } = req.params;
      const known = app.gateway.calls.get(requestId, p);
      if (known) return known;
      const r = await app.db.query<{ kind: Kind; provider: string; outcome: string }>(
        `SELECT kind, provider, outcome FROM usage_events
          WHERE request_id = $1 AND device_id = $2 LIMIT 1`,
        [requestId, p.deviceId],
      );
      const row = r.rows[0];
      if (!row) throw new AppError('NOT_FOUND', 'No call with that request id from this device.');
      const base = { requestId, kind: row.kind, provider: row.provider };
      if (row.outcome === 'ok') return { ...base, state: 'ok' as const };
      if (row.outcome === IN_PROGRESS) return { ...base, state: 'streaming' as const };
      const code = toGatewayCode(row.outcome);
      return {
        ...base,
        state: code === 'CLIENT_CANCELLED' ? ('cancelled' as const) : ('failed' as const),
        error: { code, message: ERRORS[code].message },
      };
    },
  );
  done();
};
export default calls;
