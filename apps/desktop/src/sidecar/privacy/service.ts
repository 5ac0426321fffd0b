import { closeSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CallInput, CallOutput } from '../../shared/contract.js';
import { CodedError } from '../../shared/errors.js';
import type { EgressAuditSummaryDto } from '../../shared/privacy.js';
import { EGRESS_AUDIT_FILE } from '../assistant/create.js';
import type { EgressAuditRecord } from '../egress/index.js';
import type { Profile } from '../profile.js';
import type { Handlers } from '../rpc/server.js';

/** Retention runs at start and then this often. */
export const RETENTION_EVERY_MS = 24 * 60 * 60 * 1000;
/** The audit summary reads at most this much of the log's end (the most recent records). */
const AUDIT_TAIL_BYTES = 8 * 1024 * 1024;

export interface PrivacyLog {
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
}

type PrivacyCall = 'conversations.rename' | 'conversations.delete' | 'privacy.audit';

/** What the service needs of the profile: its folder (the audit log) and its conversations. */
export type PrivacyProfile = Pick<Profile, 'dir' | 'conversations'>;

/**
 * Privacy you can see (#20): rename and delete conversations, retention by policy (conversations,
 * their turns and PHI vaults deleted `retentionDays` after their last turn — at start and daily),
 * and the egress audit's counts for Diagnostics. Logs carry counts, never titles or text.
 */
export class PrivacyService {
  private timer: NodeJS.Timeout | undefined;
  private lastRun: string | null = null;
  private lastDeleted = 0;
  private sweeping: Promise<void> | undefined;

  constructor(
    private readonly profile: () => Promise<PrivacyProfile | undefined>,
    private readonly retentionDays: () => number,
    private readonly log: PrivacyLog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Expires what is past retention now, then every RETENTION_EVERY_MS. */
  start(): void {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), RETENTION_EVERY_MS);
    this.timer.unref();
  }

  /** One retention run (also retitles conversations stored with verbatim titles, once). */
  sweep(): Promise<void> {
    this.sweeping ??= this.runSweep().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async runSweep(): Promise<void> {
    const profile = await this.profile().catch(() => undefined);
    if (!profile) return;
    try {
      profile.conversations.retitleOnce();
      const days = this.retentionDays();
      const expired = profile.conversations.expire(days, this.now());
      this.lastRun = this.now().toISOString();
      this.lastDeleted = expired.length;
      if (expired.length > 0)
        this.log.info({ conversations: expired.length, days }, 'retention: conversations deleted');
    } catch (err) {
      this.log.warn({ errName: err instanceof Error ? err.name : typeof err }, 'retention failed');
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async conversations(): Promise<PrivacyProfile['conversations']> {
    const profile = await this.profile();
    if (!profile)
      throw new CodedError(
        'VOICE_NOT_AVAILABLE',
        'Voice and the assistant are not available in this engine (no profile store).',
      );
    return profile.conversations;
  }

  async audit(): Promise<EgressAuditSummaryDto> {
    const profile = await this.profile().catch(() => undefined);
    const retention = {
      days: this.retentionDays(),
      lastRun: this.lastRun,
      lastDeleted: this.lastDeleted,
    };
    const empty: EgressAuditSummaryDto = {
      available: profile !== undefined,
      since: null,
      sent: 0,
      blocked: 0,
      pseudonymized: {},
      refusedIdentifiers: {},
      byProvider: [],
      retention,
    };
    if (!profile) return empty;
    return { ...summarize(readTail(path.join(profile.dir, EGRESS_AUDIT_FILE)), empty), retention };
  }

  handlers(): Pick<Handlers, PrivacyCall> {
    return {
      'conversations.rename': async ({
        conversationId,
        title,
      }: CallInput<'conversations.rename'>): Promise<CallOutput<'conversations.rename'>> => ({
        renamed: (await this.conversations()).rename(conversationId, title),
      }),
      'conversations.delete': async ({
        conversationId,
      }: CallInput<'conversations.delete'>): Promise<CallOutput<'conversations.delete'>> => ({
        deleted: (await this.conversations()).delete([conversationId]),
      }),
      'privacy.audit': () => this.audit(),
    };
  }
}

/** The last AUDIT_TAIL_BYTES of the log as whole lines; none when it does not exist yet. */
function readTail(file: string): string[] {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return [];
  }
  const length = Math.min(size, AUDIT_TAIL_BYTES);
  const buf = Buffer.alloc(length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buf, 0, length, size - length);
  } finally {
    closeSync(fd);
  }
  const lines = buf.toString('utf8').split('\n');
  if (length < size) lines.shift(); // cut mid-line
  return lines.filter((l) => l.trim() !== '');
}

const COUNTABLE = /^[A-Z]{2,16}$/;

function add(into: Record<string, number>, from: Readonly<Record<string, number>> | undefined) {
  for (const [t, n] of Object.entries(from ?? {}))
    if (COUNTABLE.test(t) && Number.isInteger(n) && n > 0) into[t] = (into[t] ?? 0) + n;
}

/**
 * Counts of the records. A `prepare` record is text made ready, not sent (a question is prepared
 * for retrieval, then again inside the prompt): only requests and messages count, and the
 * identifiers replaced are the placeholders in what was sent under a pseudonymize policy.
 */
export function summarize(
  lines: readonly string[],
  base: EgressAuditSummaryDto,
): EgressAuditSummaryDto {
  const pseudonymized: Record<string, number> = {};
  const refused: Record<string, number> = {};
  const providers = new Map<string, { sent: number; blocked: number }>();
  let since: string | null = null;
  let sent = 0;
  let blocked = 0;
  for (const line of lines) {
    let r: EgressAuditRecord;
    try {
      r = JSON.parse(line) as EgressAuditRecord;
    } catch {
      continue; // a line cut by a crash: the rest still counts
    }
    if (typeof r.at === 'string' && (since === null || r.at < since)) since = r.at;
    if (r.operation === 'prepare') continue;
    const p = providers.get(r.provider) ?? { sent: 0, blocked: 0 };
    if (r.decision === 'blocked') {
      blocked++;
      p.blocked++;
      add(refused, r.residual);
    } else {
      sent++;
      p.sent++;
      if (r.action === 'pseudonymize') add(pseudonymized, r.counts);
    }
    providers.set(r.provider, p);
  }
  return {
    ...base,
    since,
    sent,
    blocked,
    pseudonymized,
    refusedIdentifiers: refused,
    byProvider: [...providers]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .slice(0, 32)
      .map(([provider, c]) => ({ provider: provider.slice(0, 64), ...c })),
  };
}
