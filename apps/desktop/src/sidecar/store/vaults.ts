import type { VaultSnapshot, VaultStore } from '@voiceassist/phi';
import type { Db } from './database.js';

/** The egress guard's vault persistence on the same encrypted store. */
export class VaultRepository implements VaultStore {
  constructor(private readonly db: Db) {}

  load(conversationId: string): Promise<VaultSnapshot | undefined> {
    const row = this.db
      .prepare('SELECT snapshot FROM phi_vaults WHERE conversation_id = ?')
      .get(conversationId) as { snapshot: string } | undefined;
    return Promise.resolve(row ? (JSON.parse(row.snapshot) as VaultSnapshot) : undefined);
  }

  save(conversationId: string, snapshot: VaultSnapshot): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO phi_vaults (conversation_id, snapshot, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (conversation_id) DO UPDATE SET snapshot = excluded.snapshot, updated_at = excluded.updated_at`,
      )
      .run(conversationId, JSON.stringify(snapshot), new Date().toISOString());
    return Promise.resolve();
  }
}
