import type { CalcResultDto } from '../../shared/calculators.js';
import type { Db } from '../store/database.js';

export interface HistoryEntry {
  readonly id: number;
  readonly at: string;
  readonly result: CalcResultDto;
}

/**
 * Results calculated on this workstation, in the encrypted store (`calc_history`, migration 5):
 * inputs with their provenance, value, band and source, as shown. Newest first.
 */
export class CalcHistoryRepository {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  add(result: CalcResultDto): HistoryEntry {
    const at = this.now().toISOString();
    const info = this.db
      .prepare('INSERT INTO calc_history (calculator_id, result, created_at) VALUES (?, ?, ?)')
      .run(result.calculatorId, JSON.stringify(result), at);
    return { id: Number(info.lastInsertRowid), at, result };
  }

  list(limit = 100): HistoryEntry[] {
    const rows = this.db
      .prepare(
        'SELECT id, result, created_at AS at FROM calc_history ORDER BY created_at DESC, id DESC LIMIT ?',
      )
      .all(limit) as { id: number; result: string; at: string }[];
    return rows.map((r) => ({ id: r.id, at: r.at, result: JSON.parse(r.result) as CalcResultDto }));
  }
}
