import type pg from 'pg';
import type { NextcloudStatus } from '@voiceassist/contract';
import type { AuditEvent } from '../audit/log.js';
import type { NextcloudConfig } from '../config.js';
import type { Principal } from '../devices/devices.js';
import { AppError, isAppError } from '../errors.js';
import { CalDav, type DavAccess } from '../integrations/caldav.js';
import {
  FLOW_TTL_SECONDS,
  pollLoginFlow,
  revokeAppPassword,
  startLoginFlow,
} from '../integrations/nextcloud-login.js';
import { WebDav } from '../integrations/webdav.js';
import { Connections, type Connection } from './connections.js';
import type { CredentialKeys } from './keys.js';

export type Audit = (e: AuditEvent) => Promise<void>;

/** The DAV collection URL for a login: the configured path with {user} filled in. */
export function collectionUrl(base: string, pathTemplate: string, login: string): string {
  const p = pathTemplate.replace('{user}', encodeURIComponent(login));
  return `${base}${p.endsWith('/') ? p : `${p}/`}`;
}

type Who = Pick<Principal, 'userId' | 'clinicId' | 'deviceId'> & { requestId?: string };

/**
 * Each person's connection to the clinic's Nextcloud: connecting (Login Flow v2 or the operator
 * CLI), disconnecting, and the CalDAV/WebDAV clients built per request from the stored (and
 * decrypted in memory only) app password. When Nextcloud refuses that password the connection is
 * marked revoked (audited once) and every call says so until the person connects again.
 */
export class NextcloudService {
  private readonly connections: Connections;

  constructor(
    db: pg.Pool,
    readonly config: NextcloudConfig & { url: string },
    keys: CredentialKeys,
    private readonly audit: Audit,
  ) {
    this.connections = new Connections(db, keys);
  }

  private event(who: Who, action: string, detail: Record<string, unknown>, outcome = 'ok') {
    return this.audit({
      action,
      outcome,
      requestId: who.requestId ?? null,
      userId: who.userId,
      clinicId: who.clinicId,
      deviceId: who.deviceId || null,
      detail,
    });
  }

  async status(userId: string): Promise<NextcloudStatus> {
    const c = await this.connections.summary(userId);
    return {
      configured: true,
      state: c ? c.state : 'not_connected',
      login: c?.login ?? null,
      connectedAt: c?.createdAt ?? null,
      webUrl: this.config.url,
    };
  }

  /** Stores a connection after checking Nextcloud accepts it (one PROPFIND of the files root). */
  async connect(
    who: Who,
    cred: { login: string; appPassword: string },
    via: 'login_flow' | 'cli',
    paths: { caldavPath?: string | undefined; webdavPath?: string | undefined } = {},
  ): Promise<void> {
    const caldavUrl = collectionUrl(
      this.config.url,
      paths.caldavPath ?? this.config.caldavPath,
      cred.login,
    );
    const webdavUrl = collectionUrl(
      this.config.url,
      paths.webdavPath ?? this.config.webdavPath,
      cred.login,
    );
    const probe = new WebDav(
      { url: webdavUrl, ...cred, timeoutMs: this.config.timeoutMs },
      this.config.url,
    );
    await probe.list('/');
    await this.connections.save({ userId: who.userId, ...cred, caldavUrl, webdavUrl, via });
    await this.event(who, 'nextcloud_connected', { subject: who.userId, via });
  }

  async startLogin(who: Who) {
    const flow = await startLoginFlow(this.config.url, this.config.timeoutMs);
    const flowId = await this.connections.startFlow(
      who.userId,
      flow.pollEndpoint,
      flow.token,
      FLOW_TTL_SECONDS,
    );
    return { flowId, loginUrl: flow.loginUrl, expiresIn: FLOW_TTL_SECONDS };
  }

  async pollLogin(who: Who, flowId: string) {
    const flow = await this.connections.flow(flowId, who.userId);
    if (!flow) throw new AppError('NEXTCLOUD_LOGIN_EXPIRED');
    const granted = await pollLoginFlow(flow, this.config.timeoutMs);
    if (!granted) return { state: 'pending' as const, login: null };
    await this.connections.endFlow(flowId);
    await this.connect(
      who,
      { login: granted.loginName, appPassword: granted.appPassword },
      'login_flow',
    );
    return { state: 'connected' as const, login: granted.loginName };
  }

  /** Forgets the app password; asks Nextcloud to revoke it too (best effort). */
  async disconnect(who: Who): Promise<boolean> {
    let revokedThere = false;
    try {
      const c = await this.connections.get(who.userId);
      if (c) revokedThere = await revokeAppPassword(this.config.url, c, this.config.timeoutMs);
    } catch (e) {
      if (!isAppError(e)) throw e; // an undecryptable row is still removed below
    }
    const removed = await this.connections.remove(who.userId);
    if (removed)
      await this.event(who, 'nextcloud_disconnected', { subject: who.userId, revokedThere });
    return removed;
  }

  private async connection(who: Who): Promise<Connection> {
    const c = await this.connections.get(who.userId);
    if (!c) throw new AppError('NEXTCLOUD_NOT_CONNECTED');
    if (c.state === 'revoked') throw new AppError('NEXTCLOUD_AUTH_REVOKED');
    return c;
  }

  private access(c: Connection, url: string): DavAccess {
    return { url, login: c.login, appPassword: c.appPassword, timeoutMs: this.config.timeoutMs };
  }

  /**
   * Runs one call against the person's Nextcloud. A refused app password marks the connection
   * revoked (and is audited once); writes are audited with their operation and outcome only.
   */
  async run<T>(
    who: Who,
    kind: 'calendar' | 'files',
    fn: (client: { caldav: CalDav; webdav: WebDav }) => Promise<T>,
    write?: { action: string; detail: Record<string, unknown> },
  ): Promise<T> {
    const c = await this.connection(who);
    const clients = {
      caldav: new CalDav(this.access(c, c.caldavUrl)),
      webdav: new WebDav(this.access(c, c.webdavUrl), this.config.url),
    };
    try {
      const out = await fn(clients);
      if (write) await this.event(who, write.action, { ...write.detail, kind });
      return out;
    } catch (e) {
      if (isAppError(e) && e.code === 'NEXTCLOUD_AUTH_REVOKED') {
        if (await this.connections.markRevoked(who.userId)) {
          await this.event(who, 'nextcloud_auth_revoked', { subject: who.userId }, e.code);
        }
      }
      if (write) {
        const code = isAppError(e) ? e.code : 'INTERNAL';
        await this.event(who, write.action, { ...write.detail, kind }, code);
      }
      throw e;
    }
  }
}
