import type pg from 'pg';
import type { Principal } from '../devices/devices.js';

export type Kind = 'llm' | 'stt' | 'tts';
export type Unit = 'input_token' | 'output_token' | 'audio_second' | 'character';
export type UsageItem = Readonly<{ unit: Unit; quantity: number }>;

const PRICE_CACHE_MS = 30_000;

/** Writes what each call used, priced from `provider_prices`, into `usage_events`. */
export class Meter {
  private prices: { at: number; map: Map<string, number> } | undefined;

  constructor(
    private readonly db: pg.Pool,
    private readonly onError: (e: unknown) => void,
  ) {}

  private async price(provider: string, unit: Unit): Promise<number> {
    if (!this.prices || Date.now() - this.prices.at > PRICE_CACHE_MS) {
      const r = await this.db.query<{ provider: string; unit: string; usd_per_unit: string }>(
        'SELECT provider, unit, usd_per_unit FROM provider_prices',
      );
      this.prices = {
        at: Date.now(),
        map: new Map(r.rows.map((x) => [`${x.provider}|${x.unit}`, Number(x.usd_per_unit)])),
      };
    }
    return this.prices.map.get(`${provider}|${unit}`) ?? 0;
  }

  /** Never throws: a metering failure is logged, it must not turn a delivered answer into an error. */
  async record(
    p: Principal,
    call: { requestId: string; kind: Kind; provider: string; outcome: string },
    items: readonly UsageItem[],
  ): Promise<void> {
    try {
      const rows: { unit: Unit; quantity: number; cost: number }[] = [];
      for (const it of items) {
        if (!(it.quantity >= 0)) continue; // zero is recorded too: the call and its outcome count
        const cost = it.quantity * (await this.price(call.provider, it.unit));
        rows.push({ unit: it.unit, quantity: it.quantity, cost });
      }
      if (rows.length === 0) return;
      // One statement, so a call's rows appear together.
      await this.db.query(
        `INSERT INTO usage_events
           (request_id, user_id, clinic_id, device_id, kind, provider, outcome, unit, quantity, cost_usd)
         SELECT $1, $2, $3, $4, $5, $6, $7, x.unit, x.quantity, x.cost
           FROM jsonb_to_recordset($8::jsonb) AS x(unit text, quantity numeric, cost numeric)`,
        [
          call.requestId,
          p.userId,
          p.clinicId,
          p.deviceId,
          call.kind,
          call.provider,
          call.outcome,
          JSON.stringify(rows),
        ],
      );
    } catch (e) {
      this.onError(e);
    }
  }
}
