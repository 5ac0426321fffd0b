/**
 * One audit record per outbound provider request: who, what kind, which decision, and how many
 * identifiers of each type were pseudonymized or sent — never the values, never the text.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
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

/**
 * Appends one JSON line per record, written before the request it describes is sent: one
 * `write(2)` to a descriptor opened once in append mode (a few microseconds; the record is in the
 * OS's hands before any byte leaves). Opening and closing the file per record cost milliseconds
 * on the voice turn's path.
 */
export class JsonlFileAuditSink implements AuditSink {
  #fd: number | undefined;

  constructor(readonly file: string) {}

  write(record: EgressAuditRecord): Promise<void> {
    try {
      if (this.#fd === undefined) {
        mkdirSync(path.dirname(this.file), { recursive: true });
        this.#fd = openSync(this.file, 'a', 0o600);
      }
      const line = Buffer.from(`${JSON.stringify(record)}\n`);
      // O_APPEND: each line lands whole at the end, also with other writers.
      for (let off = 0; off < line.length;) off += writeSync(this.#fd, line, off);
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}
