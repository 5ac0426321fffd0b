import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { CredentialKeys, Sealed } from './keys.js';

/** A person's connection with the app password decrypted: lives in server memory only. */
export type Connection = Readonly<{
  userId: string;
  login: string;
  appPassword: string;
  caldavUrl: string;
  webdavUrl: string;
  state: 'connected' | 'revoked';
  createdAt: string;
}>;

export type ConnectionSummary = Omit<Connection, 'appPassword'>;

type Row = {
  user_id: string;
  login: string;
  caldav_url: string;
  webdav_url: string;
  key_id: string;
  nonce: Buffer;
  secret: Buffer;
  state: 'connected' | 'revoked';
  created_at: Date;
};

/** The associated data that binds a ciphertext to its row. */
const aadOf = (userId: string, login: string) => `voiceassist-nextcloud-v1:${userId}:${login}`;
const flowAad = (flowId: string, userId: string) =>
  `voiceassist-nextcloud-flow-v1:${flowId}:${userId}`;

/** `nextcloud_connections` and `nextcloud_login_flows` (migration 020). */
export class Connections {
  constructor(
    private readonly db: pg.Pool | pg.ClientBase,
    private readonly keys: CredentialKeys,
  ) {}

  async save(c: {
    userId: string;
    login: string;
    appPassword: string;
    caldavUrl: string;
    webdavUrl: string;
    via: 'login_flow' | 'cli';
  }): Promise<void> {
    await this.keys.refresh();
    const s = this.keys.seal(c.appPassword, aadOf(c.userId, c.login));
    await this.db.query(
      `INSERT INTO nextcloud_connections
         (user_id, login, caldav_url, webdav_url, key_id, nonce, secret, via, state)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'connected')
       ON CONFLICT (user_id) DO UPDATE SET
         login = EXCLUDED.login, caldav_url = EXCLUDED.caldav_url, webdav_url = EXCLUDED.webdav_url,
         key_id = EXCLUDED.key_id, nonce = EXCLUDED.nonce, secret = EXCLUDED.secret,
         via = EXCLUDED.via, state = 'connected', created_at = now(), updated_at = now()`,
      [c.userId, c.login, c.caldavUrl, c.webdavUrl, s.keyId, s.nonce, s.secret, c.via],
    );
  }

  private async row(userId: string): Promise<Row | undefined> {
    const r = await this.db.query<Row>(
      `SELECT user_id, login, caldav_url, webdav_url, key_id, nonce, secret, state, created_at
         FROM nextcloud_connections WHERE user_id = $1`,
      [userId],
    );
    return r.rows[0];
  }

  async summary(userId: string): Promise<ConnectionSummary | undefined> {
    const r = await this.row(userId);
    return r && summaryOf(r);
  }

  async get(userId: string): Promise<Connection | undefined> {
    const r = await this.row(userId);
    if (!r) return undefined;
    const appPassword = await this.keys.unseal(
      { keyId: r.key_id, nonce: r.nonce, secret: r.secret },
      aadOf(r.user_id, r.login),
    );
    return { ...summaryOf(r), appPassword };
  }

  /** Nextcloud refused the app password: keep the row (so the person is told), mark it. */
  async markRevoked(userId: string): Promise<boolean> {
    const r = await this.db.query(
      `UPDATE nextcloud_connections SET state = 'revoked', updated_at = now()
        WHERE user_id = $1 AND state <> 'revoked'`,
      [userId],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async remove(userId: string): Promise<boolean> {
    const r = await this.db.query(`DELETE FROM nextcloud_connections WHERE user_id = $1`, [userId]);
    return (r.rowCount ?? 0) > 0;
  }

  async startFlow(userId: string, pollEndpoint: string, token: string, ttlSeconds: number) {
    const id = randomUUID();
    await this.keys.refresh();
    const s = this.keys.seal(token, flowAad(id, userId));
    await this.db.query(`DELETE FROM nextcloud_login_flows WHERE expires_at < now()`);
    await this.db.query(
      `INSERT INTO nextcloud_login_flows (id, user_id, poll_endpoint, key_id, nonce, secret, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))`,
      [id, userId, pollEndpoint, s.keyId, s.nonce, s.secret, ttlSeconds],
    );
    return id;
  }

  /** The flow's poll endpoint and token, if it is this person's and still valid. */
  async flow(flowId: string, userId: string) {
    if (!/^[0-9a-f-]{36}$/i.test(flowId)) return undefined;
    const r = await this.db.query<
      { poll_endpoint: string } & Pick<Row, 'key_id' | 'nonce' | 'secret'>
    >(
      `SELECT poll_endpoint, key_id, nonce, secret FROM nextcloud_login_flows
        WHERE id = $1 AND user_id = $2 AND expires_at > now()`,
      [flowId, userId],
    );
    const row = r.rows[0];
    if (!row) return undefined;
    const token = await this.keys.unseal(
      { keyId: row.key_id, nonce: row.nonce, secret: row.secret },
      flowAad(flowId, userId),
    );
    return { pollEndpoint: row.poll_endpoint, token };
  }

  async endFlow(flowId: string): Promise<void> {
    await this.db.query(`DELETE FROM nextcloud_login_flows WHERE id = $1`, [flowId]);
  }

  /**
   * Re-encrypts every stored secret under the active key (after `CredentialKeys.addActiveKey`),
   * in one transaction on `client`. Returns how many rows were re-encrypted.
   */
  static async reencryptAll(client: pg.ClientBase, keys: CredentialKeys): Promise<number> {
    let n = 0;
    const conns = await client.query<Row>(
      `SELECT user_id, login, key_id, nonce, secret FROM nextcloud_connections
        WHERE key_id <> $1 FOR UPDATE`,
      [keys.activeKeyId],
    );
    for (const r of conns.rows) {
      const aad = aadOf(r.user_id, r.login);
      const s: Sealed = keys.seal(
        await keys.unseal({ keyId: r.key_id, nonce: r.nonce, secret: r.secret }, aad),
        aad,
      );
      await client.query(
        `UPDATE nextcloud_connections SET key_id = $2, nonce = $3, secret = $4 WHERE user_id = $1`,
        [r.user_id, s.keyId, s.nonce, s.secret],
      );
      n++;
    }
    const flows = await client.query<
      { id: string; user_id: string } & Pick<Row, 'key_id' | 'nonce' | 'secret'>
    >(`SELECT id, user_id, key_id, nonce, secret FROM nextcloud_login_flows FOR UPDATE`);
    for (const f of flows.rows) {
      const aad = flowAad(f.id, f.user_id);
      const s = keys.seal(
        await keys.unseal({ keyId: f.key_id, nonce: f.nonce, secret: f.secret }, aad),
        aad,
      );
      await client.query(
        `UPDATE nextcloud_login_flows SET key_id = $2, nonce = $3, secret = $4 WHERE id = $1`,
        [f.id, s.keyId, s.nonce, s.secret],
      );
      n++;
    }
    return n;
  }

  /** Key ids some stored secret still uses. */
  static async keyIdsInUse(db: pg.Pool | pg.ClientBase): Promise<Set<string>> {
    const r = await db.query<{ key_id: string }>(
      `SELECT key_id FROM nextcloud_connections UNION SELECT key_id FROM nextcloud_login_flows`,
    );
    return new Set(r.rows.map((x) => x.key_id));
  }
}

function summaryOf(r: Row): ConnectionSummary {
  return {
    userId: r.user_id,
    login: r.login,
    caldavUrl: r.caldav_url,
    webdavUrl: r.webdav_url,
    state: r.state,
    createdAt: r.created_at.toISOString(),
  };
}
