import type pg from 'pg';
import type { Principal } from '../devices/devices.js';

export type Kind = 'llm' | 'stt' | 'tts';
export type Unit = 'input_token' | 'output_token' | 'audio_second' | 'character';
export type UsageItem = Readonly<{ unit: Unit; quantity: number }>;
export type CallRef = Readonly<{ requestId: string; kind: Kind; provider: string }>;

/** The outcome of a call whose usage row is written but which has not ended yet. */
export const IN_PROGRESS = 'IN_PROGRESS';

const PRICE_CACHE_MS = 30_000;
/** Rows wait at most this long before they are written (one INSERT for all of them). */
const FLUSH_MS = 25;
const FLUSH_ROWS = 500;
/**
 * What a live stream has delivered is written this often, so a call cut by a crash is metered
 * for what it delivered up to about this long before (see reconcile in instance.ts).
 */
const PROGRESS_MS = 1_000;

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
  instance_id: number | null;
  ended: boolean;
};

type Open = { p: Principal; call: CallRef; rows: Row[]; queued: boolean };

/**
 * Writes what each call used, priced from `provider_prices`, into `usage_events`. A streaming
 * call's rows are written when its first byte went out (`begin`, outcome IN_PROGRESS), kept up to
 * date while it streams (`progress`, at most every PROGRESS_MS) and completed when it ends
 * (`record`), so a call cut short by a crash is still there to reconcile at the next start
 * (SERVER_CRASHED) with what it delivered. Rows are batched (a flush every FLUSH_MS), so under
 * many concurrent streams metering is a few statements a second rather than several per call.
 * Quota checks do not wait for the batch: `onCost` tells them at once.
 */
export class Meter {
  private prices: { at: number; map: Map<string, number> } | undefined;
  private loadingPrices: Promise<void> | undefined;
  private inserts: Row[] = [];
  private finals: Row[] = [];
  private readonly progressed = new Map<string, Row[]>();
  private readonly open = new Map<string, Open>();
  private timer: NodeJS.Timeout | undefined;
  private progressTimer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: pg.Pool,
    private readonly onError: (e: unknown) => void,
    private readonly onCost: (p: Principal, usd: number) => void = () => undefined,
    /** This server process's row in `server_instances` (null until registered). */
    private readonly instanceId: () => number | null = () => null,
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

  private rows(p: Principal, call: CallRef, outcome: string, items: readonly UsageItem[]): Row[] {
    return items
      .filter((it) => it.quantity >= 0) // zero is recorded too: the call and its outcome count
      .map((it) => ({
        request_id: call.requestId,
        user_id: p.userId,
        clinic_id: p.clinicId,
        device_id: p.deviceId,
        kind: call.kind,
        provider: call.provider,
        outcome,
        unit: it.unit,
        quantity: it.quantity,
        instance_id: this.instanceId(),
        ended: outcome !== IN_PROGRESS,
      }));
  }

  /**
   * A call started delivering: its rows are written (in the next batch) with what is known now,
   * outcome IN_PROGRESS. `record` completes them; the same units must be used there.
   */
  begin(p: Principal, call: CallRef, items: readonly UsageItem[]): void {
    const rows = this.rows(p, call, IN_PROGRESS, items);
    this.open.set(call.requestId, { p, call, rows, queued: true });
    this.inserts.push(...rows);
    this.schedule();
  }

  /** What a begun call has delivered so far (written at most every PROGRESS_MS). */
  progress(requestId: string, items: readonly UsageItem[]): void {
    const o = this.open.get(requestId);
    if (!o) return;
    const rows = this.rows(o.p, o.call, IN_PROGRESS, items);
    if (o.queued) {
      for (const r of rows) {
        const queued = o.rows.find((x) => x.unit === r.unit);
        if (queued) queued.quantity = r.quantity;
      }
      return;
    }
    this.progressed.set(requestId, rows);
    this.progressTimer ??= setTimeout(() => void this.flush(), PROGRESS_MS);
  }

  /**
   * The call ended with `outcome` (`ok` or a code) having used `items`: completes its rows if it
   * began, else writes them now (a call refused or cancelled before its first byte). Never throws:
   * a metering failure is logged, it must not turn a delivered answer into an error.
   */
  async record(
    p: Principal,
    call: CallRef & { outcome: string },
    items: readonly UsageItem[],
  ): Promise<void> {
    try {
      const prices = await this.priceMap();
      const rows = this.rows(p, call, call.outcome, items);
      const o = this.open.get(call.requestId);
      this.open.delete(call.requestId);
      this.progressed.delete(call.requestId);
      if (o?.queued) {
        // Its IN_PROGRESS rows are still in the queue: write the final ones in their place.
        const left = this.inserts.filter((r) => !o.rows.includes(r));
        this.inserts = [...left, ...rows];
      } else if (o) this.finals.push(...rows);
      else this.inserts.push(...rows);
      let total = 0;
      for (const r of rows) total += r.quantity * (prices.get(`${r.provider}|${r.unit}`) ?? 0);
      this.onCost(p, total);
      this.schedule();
    } catch (e) {
      this.onError(e);
    }
  }

  private schedule(): void {
    if (this.inserts.length + this.finals.length >= FLUSH_ROWS) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Writes what is queued: new rows in one statement (a call's rows appear together), then updates. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    clearTimeout(this.progressTimer);
    this.timer = undefined;
    this.progressTimer = undefined;
    const inserts = this.inserts;
    const finals = this.finals;
    const progressed = [...this.progressed.values()].flat();
    if (inserts.length + finals.length + progressed.length === 0) return this.writing;
    this.inserts = [];
    this.finals = [];
    this.progressed.clear();
    for (const o of this.open.values()) o.queued = false; // their rows are in this batch
    this.writing = this.writing.then(async () => {
      try {
        const prices = await this.priceMap();
        const priced = (rows: Row[]) =>
          JSON.stringify(
            rows.map((r) => ({
              ...r,
              cost: r.quantity * (prices.get(`${r.provider}|${r.unit}`) ?? 0),
            })),
          );
        if (inserts.length > 0) await this.db.query(INSERT, [priced(inserts)]);
        if (finals.length > 0) await this.db.query(COMPLETE, [priced(finals)]);
        if (progressed.length > 0) await this.db.query(PROGRESS, [priced(progressed)]);
      } catch (e) {
        this.onError(e);
      }
    });
    return this.writing;
  }
}

const RECORDS = `jsonb_to_recordset($1::jsonb) AS x(request_id text, user_id uuid, clinic_id text,
  device_id uuid, kind text, provider text, outcome text, unit text, quantity numeric,
  cost numeric, instance_id bigint, ended boolean)`;

const INSERT = `INSERT INTO usage_events
    (request_id, user_id, clinic_id, device_id, kind, provider, outcome, unit, quantity, cost_usd,
     instance_id, ended_at)
  SELECT x.request_id, x.user_id, x.clinic_id, x.device_id, x.kind, x.provider, x.outcome,
         x.unit, x.quantity, x.cost, x.instance_id, CASE WHEN x.ended THEN now() END
    FROM ${RECORDS}`;

/** Completes begun rows, whatever reconciliation may have marked them meanwhile: the end is the truth. */
const COMPLETE = `UPDATE usage_events u
    SET quantity = x.quantity, cost_usd = x.cost, outcome = x.outcome, ended_at = now()
   FROM ${RECORDS}
  WHERE u.request_id = x.request_id AND u.unit = x.unit`;

const PROGRESS = `UPDATE usage_events u SET quantity = x.quantity, cost_usd = x.cost
   FROM ${RECORDS}
  WHERE u.request_id = x.request_id AND u.unit = x.unit AND u.outcome = '${IN_PROGRESS}'`;
