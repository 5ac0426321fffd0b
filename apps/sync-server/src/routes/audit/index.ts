import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { exportAnchors } from '../../audit/anchor.js';
import { verifyAuditLog } from '../../audit/verify.js';

const Anchor = Type.Object({ id: Type.Integer(), hash: Type.String() });

/**
 * `/v1/audit/*` (auditor role): verify the hash chain (the same check as `voiceassist-server
 * audit verify`), export the anchors to keep elsewhere, and read events page by page.
 */
const audit: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  app.get(
    '/v1/audit/verify',
    {
      schema: {
        response: {
          200: Type.Object({
            ok: Type.Boolean(),
            rows: Type.Integer(),
            firstBroken: Type.Optional(Type.Integer()),
            reason: Type.Optional(Type.String()),
          }),
        },
      },
    },
    () => verifyAuditLog(app.db),
  );

  app.get(
    '/v1/audit/anchors',
    {
      schema: {
        response: {
          200: Type.Object({
            exportedAt: Type.String(),
            head: Type.Union([Anchor, Type.Null()]),
            anchors: Type.Array(
              Type.Object({ id: Type.Integer(), hash: Type.String(), at: Type.String() }),
            ),
          }),
        },
      },
    },
    () => exportAnchors(app.db),
  );

  app.get(
    '/v1/audit/events',
    {
      schema: {
        querystring: Type.Object({
          after: Type.Optional(Type.Integer({ minimum: 0 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          action: Type.Optional(Type.String({ maxLength: 64 })),
        }),
      },
    },
    async (req) => {
      const r = await app.db.query(
        `SELECT id, at, action, outcome, request_id AS "requestId", user_id AS "userId", actor,
                clinic_id AS "clinicId", device_id AS "deviceId", provider, detail,
                encode(hash, 'hex') AS hash
           FROM audit_log WHERE id > $1 AND ($2::text IS NULL OR action = $2)
          ORDER BY id LIMIT $3`,
        [req.query.after ?? 0, req.query.action ?? null, req.query.limit ?? 100],
      );
      return { events: r.rows.map((x: Record<string, unknown>) => ({ ...x, id: Number(x.id) })) };
    },
  );
  done();
};
export default audit;
