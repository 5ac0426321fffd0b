import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { GATEWAY_PATHS, UsageResponse } from '@voiceassist/contract';
import { AppError } from '../../errors.js';

type Line = { kind: string; provider: string; unit: string; quantity: number; costUsd: number };
type Row = {
  mine: boolean;
  kind: string;
  provider: string;
  unit: string;
  quantity: string;
  cost: string;
};

const FROM = `date_trunc($1, now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`;

function totals(rows: Row[], requests: number) {
  const lines: Line[] = [];
  for (const x of rows) {
    const l = lines.find(
      (y) => y.kind === x.kind && y.provider === x.provider && y.unit === x.unit,
    );
    if (l) {
      l.quantity += Number(x.quantity);
      l.costUsd += Number(x.cost);
    } else {
      lines.push({
        kind: x.kind,
        provider: x.provider,
        unit: x.unit,
        quantity: Number(x.quantity),
        costUsd: Number(x.cost),
      });
    }
  }
  return { costUsd: lines.reduce((a, l) => a + l.costUsd, 0), requests, lines };
}

/** `GET /v1/usage?period=day|month`: the caller's and their clinic's metered usage and limits. */
const usage: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  app.get(
    GATEWAY_PATHS.usage,
    {
      schema: {
        querystring: Type.Object({
          period: Type.Optional(Type.Union([Type.Literal('day'), Type.Literal('month')])),
        }),
        response: { 200: UsageResponse },
      },
      onRequest: app.authenticate,
    },
    async (req) => {
      const p = req.principal;
      if (!p) throw new AppError('AUTH_REQUIRED');
      const period = req.query.period ?? 'month';
      const lines = await app.db.query<Row>(
        `SELECT (user_id = $2) AS mine, kind, provider, unit,
                sum(quantity) AS quantity, sum(cost_usd) AS cost
           FROM usage_events WHERE clinic_id = $3 AND at >= ${FROM}
          GROUP BY 1, 2, 3, 4 ORDER BY 2, 3, 4`,
        [period, p.userId, p.clinicId],
      );
      const counts = await app.db.query<{ from: Date; mine: string; all: string }>(
        `SELECT ${FROM} AS from,
                count(DISTINCT request_id) FILTER (WHERE user_id = $2) AS mine,
                count(DISTINCT request_id) AS all
           FROM usage_events WHERE clinic_id = $3 AND at >= ${FROM}`,
        [period, p.userId, p.clinicId],
      );
      const c = counts.rows[0];
      return {
        period,
        from: (c?.from ?? new Date()).toISOString(),
        user: totals(
          lines.rows.filter((x) => x.mine),
          Number(c?.mine ?? 0),
        ),
        clinic: totals(lines.rows, Number(c?.all ?? 0)),
        limits: await app.gateway.limits.limitsFor(p),
      };
    },
  );
  done();
};
export default usage;
