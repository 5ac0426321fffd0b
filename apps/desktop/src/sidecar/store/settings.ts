import type { Db } from './database.js';

/**
 * Small settings kept in the encrypted store's `meta` table as JSON, one row per key (e.g. the
 * voice settings), so they survive a restart and never sit in a plaintext file.
 */
export class SettingsRepository {
  constructor(private readonly db: Db) {}

  /** The stored value, or undefined when the key was never written. Throws on unreadable JSON. */
  read(key: string): unknown {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as
      { value: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.value) as unknown);
  }

  write(key: string, value: unknown): void {
    this.db
      .prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      )
      .run(key, JSON.stringify(value));
  }
}
