import type pg from 'pg';
import type { Principal } from '../devices/devices.js';

export type Kind = 'llm' | 'stt' | 'tts';
export type Unit = 'input_token' | 'output_token' | 'audio_second' | 'character';
export type UsageItem = Readonly<{ unit: Unit; quantity: number }>;

const PRICE_CACHE_MS = 30_000;
/** Rows wait at most this long before they are written (one INSERT for all of them). */
const FLUSH_MS = 25;
const FLUSH_ROWS = 500;

type Row = {
  request_id: string;
  user_id: string;
  clinic_id: string;
  device_id: string;
  kind: Kind;
  provider: string;
  outcome: string;
  unit: Unit;
  quantity: number;
  cost: number;
};

/**
 * Writes what each call used, priced from `provider_prices`, into `usage_events`. Calls are
 * metered after their stream ended, and rows are batched (a flush every FLUSH_MS), so under many
 * concurrent streams metering is a few INSERTs a second rather than one per call. Quota checks do
 * not wait for the batch: `onCost` tells them at once.
 */
export class Meter {
  private prices: { at: number; map: Map<string, number> } | undefined;
  private loadingPrices: Promise<void> | undefined;
  private queue: Row[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: pg.Pool,
    private readonly onError: (e: unknown) => void,
    private readonly onCost: (p: Principal, usd: number) => void = () => undefined,
  ) {}

  private async loadPrices(): Promise<void> {
    const r = await this.db.query<{ provider: string; unit: string; usd_per_unit: string }>(
      'SELECT provider, unit, usd_per_unit FROM provider_prices',
    );
    this.prices = {
      at: Date.now(),
      map: new Map(r.rows.map((x) => [`${x.provider}|${x.unit}`, Number(x.usd_per_unit)])),
    };
  }

  private async priceMap(): Promise<Map<string, number>> {
    if (!this.prices || Date.now() - this.prices.at > PRICE_CACHE_MS) {
      this.loadingPrices ??= this.loadPrices().finally(() => (this.loadingPrices = undefined));
      await this.loadingPrices;
    }
    return this.prices?.map ?? new Map<string, number>();
  }

  /** Never throws: a metering failure is logged, it must not turn a delivered answer into an error. */
  async record(
    p: Principal,
    call: { requestId: string; kind: Kind; provider: string; outcome: string },
    items: readonly UsageItem[],
  ): Promise<void> {
    try {
      const prices = await this.priceMap();
      let total = 0;
      for (const it of items) {
        if (!(it.quantity >= 0)) continue; // zero is recorded too: the call and its outcome count
        const cost = it.quantity * (prices.get(`${call.provider}|${it.unit}`) ?? 0);
        total += cost;
        this.queue.push({
          request_id: call.requestId,
          user_id: p.userId,
          clinic_id: p.clinicId,
          device_id: p.deviceId,
          kind: call.kind,
          provider: call.provider,
          outcome: call.outcome,
          unit: it.unit,
          quantity: it.quantity,
          cost,
        });
      }
      this.onCost(p, total);
      if (this.queue.length >= FLUSH_ROWS) void this.flush();
      else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
    } catch (e) {
      this.onError(e);
    }
  }

  /** Writes what is queued (in one statement, so a call's rows appear together). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const rows = this.queue;
    if (rows.length === 0) return this.writing;
    this.queue = [];
    this.writing = this.writing.then(async () => {
      try {
        await this.db.query(
          `INSERT INTO usage_events
             (request_id, user_id, clinic_id, device_id, kind, provider, outcome, unit, quantity, cost_usd)
           SELECT x.request_id, x.user_id, x.clinic_id, x.device_id, x.kind, x.provider, x.outcome,
                  x.unit, x.quantity, x.cost
             FROM jsonb_to_recordset($1::jsonb) AS x(request_id text, user_id uuid, clinic_id text,
                  device_id uuid, kind text, provider text, outcome text, unit text,
                  quantity numeric, cost numeric)`,
          [JSON.stringify(rows)],
        );
      } catch (e) {
        this.onError(e);
      }
    });
    return this.writing;
  }
}
