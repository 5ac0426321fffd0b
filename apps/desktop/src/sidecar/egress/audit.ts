/**
 * One audit record per outbound provider request: who, what kind, which decision, and how many
 * identifiers of each type were pseudonymized or sent — never the values, never the text.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { DataKind, EgressAction, ProviderKind } from './policy.js';

export interface EgressAuditRecord {
  readonly id: string;
  readonly at: string;
  readonly provider: string;
  readonly providerKind: ProviderKind;
  readonly dataKind: DataKind;
  /** `prepare` = text pseudonymized for a request; `request` = an HTTP request; `websocket` = a socket opened. */
  readonly operation: 'prepare' | 'request' | 'websocket' | 'message';
  readonly action: EgressAction;
  readonly decision: 'sent' | 'blocked';
  /** Code of the refusal when blocked. */
  readonly reason?: string;
  readonly conversationId?: string;
  /** Destination without query or fragment (those can carry data). */
  readonly destination?: string;
  readonly bytes?: number;
  /** Identifiers by type: pseudonymized (placeholders in the payload) or sent under a BAA. */
  readonly counts: Readonly<Record<string, number>>;
  /** Identifiers the detector still found in a payload that should have been pseudonymized. */
  readonly residual?: Readonly<Record<string, number>>;
}

/** Where audit records go; the encrypted store will provide the durable one. */
export interface AuditSink {
  write(record: EgressAuditRecord): Promise<void>;
}

export class MemoryAuditSink implements AuditSink {
  readonly records: EgressAuditRecord[] = [];

  write(record: EgressAuditRecord): Promise<void> {
    this.records.push(record);
    return Promise.resolve();
  }
}

/** Appends one JSON line per record (serialised writes keep lines whole). */
export class JsonlFileAuditSink implements AuditSink {
  #chain: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  write(record: EgressAuditRecord): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    this.#chain = this.#chain.then(async () => {
      await mkdir(path.dirname(this.file), { recursive: true });
      await appendFile(this.file, line, { mode: 0o600 });
    });
    return this.#chain;
  }
}
