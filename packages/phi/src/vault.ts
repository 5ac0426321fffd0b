/**
 * Per-conversation mapping between identifiers and their placeholders. The vault holds PHI: it is
 * persisted only through a VaultStore (the knowledge store's encrypted database in the sidecar),
 * never logged. `serialize()`/`PhiVault.restore()` are the whole persistence contract.
 */
import { PhiError, type PhiType } from './types.js';

/** Placeholder label per identifier type: "[PATIENT_1]", "[DATE_2]". */
export const PLACEHOLDER_LABELS: Readonly<Record<PhiType, string>> = {
  NAME: 'PATIENT',
  DATE: 'DATE',
  AGE: 'AGE',
  PHONE: 'PHONE',
  FAX: 'FAX',
  EMAIL: 'EMAIL',
  SSN: 'SSN',
  MRN: 'MRN',
  ID: 'ID',
  CARD: 'CARD',
  ADDRESS: 'ADDRESS',
  LOCATION: 'LOCATION',
  ZIP: 'ZIP',
  URL: 'URL',
  IP: 'IP',
  FACILITY: 'FACILITY',
};

/** Label for input text that already looks like one of our placeholders (see pseudonymize). */
export const LITERAL_LABEL = 'TEXT';

export interface VaultEntry {
  readonly label: string;
  readonly index: number;
  readonly type: PhiType | 'LITERAL';
  /** The identifier exactly as it first appeared. */
  readonly original: string;
}

export interface ShiftedDate {
  /** What the model saw. */
  readonly shifted: string;
  readonly original: string;
}

export interface VaultSnapshot {
  readonly version: 1;
  readonly conversationId: string;
  /** Days added to every date when date shifting is on; undefined = dates become [DATE_n]. */
  readonly dateShiftDays: number | undefined;
  readonly entries: readonly VaultEntry[];
  readonly shiftedDates: readonly ShiftedDate[];
}

/** Persistence for vaults; the sidecar's encrypted store implements it. */
export interface VaultStore {
  load(conversationId: string): Promise<VaultSnapshot | undefined>;
  save(conversationId: string, snapshot: VaultSnapshot): Promise<void>;
}

/** A VaultStore in memory: tests, and sessions that must forget everything on exit. */
export class MemoryVaultStore implements VaultStore {
  readonly #snapshots = new Map<string, VaultSnapshot>();

  load(conversationId: string): Promise<VaultSnapshot | undefined> {
    const s = this.#snapshots.get(conversationId);
    return Promise.resolve(s === undefined ? undefined : structuredClone(s));
  }

  save(conversationId: string, snapshot: VaultSnapshot): Promise<void> {
    this.#snapshots.set(conversationId, structuredClone(snapshot));
    return Promise.resolve();
  }
}

const normalizeKey = (type: string, original: string): string =>
  `${type}\u0000${original
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[.,]+$/, '')
    .trim()}`;

export class PhiVault {
  readonly #byKey = new Map<string, VaultEntry>();
  readonly #byLabel = new Map<string, VaultEntry>();
  readonly #counters = new Map<string, number>();
  readonly #shifted: ShiftedDate[] = [];
  #revision = 0;

  constructor(
    readonly conversationId: string,
    readonly dateShiftDays?: number,
  ) {}

  /** The placeholder for `original`; the same (normalised) value always gets the same one. */
  placeholderFor(type: PhiType | 'LITERAL', original: string): string {
    const label = type === 'LITERAL' ? LITERAL_LABEL : PLACEHOLDER_LABELS[type];
    const key = normalizeKey(label, original);
    let entry = this.#byKey.get(key);
    if (!entry) {
      const index = (this.#counters.get(label) ?? 0) + 1;
      this.#counters.set(label, index);
      entry = { label, index, type, original };
      this.#add(key, entry);
    }
    return `[${entry.label}_${entry.index}]`;
  }

  /** The original behind LABEL_index, or undefined if this vault never issued it. */
  lookup(label: string, index: number): string | undefined {
    return this.#byLabel.get(`${label.toUpperCase()}_${index}`)?.original;
  }

  recordShiftedDate(shifted: string, original: string): void {
    if (this.#shifted.some((s) => s.shifted === shifted)) return;
    this.#shifted.push({ shifted, original });
    this.#revision++;
  }

  /** Grows with every new placeholder or shifted date: callers persist only when it moved. */
  get revision(): number {
    return this.#revision;
  }

  get shiftedDates(): readonly ShiftedDate[] {
    return this.#shifted;
  }

  get labels(): readonly string[] {
    return [...new Set([...this.#byLabel.values()].map((e) => e.label))];
  }

  /** Every identifier this vault issued a placeholder for (the known-identifier pass reads them). */
  get entries(): Iterable<VaultEntry> {
    return this.#byLabel.values();
  }

  get size(): number {
    return this.#byLabel.size;
  }

  serialize(): VaultSnapshot {
    return {
      version: 1,
      conversationId: this.conversationId,
      dateShiftDays: this.dateShiftDays,
      entries: [...this.#byLabel.values()].map((e) => ({ ...e })),
      shiftedDates: this.#shifted.map((s) => ({ ...s })),
    };
  }

  static restore(snapshot: VaultSnapshot, conversationId = snapshot.conversationId): PhiVault {
    // Snapshots come back from storage: check the shape the types cannot guarantee.
    const raw = snapshot as { version?: unknown; entries?: unknown; shiftedDates?: unknown };
    if (raw.version !== 1 || !Array.isArray(raw.entries) || !Array.isArray(raw.shiftedDates))
      throw new PhiError('PHI_VAULT_CORRUPT', 'The stored pseudonym vault has an unknown format.');
    if (snapshot.conversationId !== conversationId)
      throw new PhiError(
        'PHI_VAULT_MISMATCH',
        'The stored pseudonym vault belongs to another conversation.',
      );
    const vault = new PhiVault(snapshot.conversationId, snapshot.dateShiftDays);
    for (const e of snapshot.entries) {
      vault.#add(normalizeKey(e.label, e.original), e);
      vault.#counters.set(e.label, Math.max(vault.#counters.get(e.label) ?? 0, e.index));
    }
    for (const s of snapshot.shiftedDates) vault.#shifted.push({ ...s });
    return vault;
  }

  #add(key: string, entry: VaultEntry): void {
    this.#byKey.set(key, entry);
    this.#byLabel.set(`${entry.label}_${entry.index}`, entry);
    this.#revision++;
  }
}
