import { PhiVault, type VaultStore } from '@voiceassist/phi';

/** One vault per conversation, loaded from the store on first use and saved after changes. */
export class VaultRegistry {
  readonly #vaults = new Map<string, Promise<PhiVault>>();
  /** The revision each vault had when it was last loaded or saved: unchanged vaults are not written. */
  readonly #stored = new WeakMap<PhiVault, number>();

  constructor(
    private readonly store: VaultStore | undefined,
    private readonly dateShiftDays: ((conversationId: string) => number | undefined) | undefined,
  ) {}

  get(conversationId: string): Promise<PhiVault> {
    let vault = this.#vaults.get(conversationId);
    if (!vault) {
      vault = this.#load(conversationId);
      this.#vaults.set(conversationId, vault);
      vault.catch(() => this.#vaults.delete(conversationId));
    }
    return vault;
  }

  /** Persists the vault if it gained a placeholder or shifted date since it was last stored. */
  async save(vault: PhiVault): Promise<void> {
    if (!this.store || this.#stored.get(vault) === vault.revision) return;
    const revision = vault.revision;
    await this.store.save(vault.conversationId, vault.serialize());
    this.#stored.set(vault, revision);
  }

  async #load(conversationId: string): Promise<PhiVault> {
    const snapshot = await this.store?.load(conversationId);
    if (!snapshot) return new PhiVault(conversationId, this.dateShiftDays?.(conversationId));
    const vault = PhiVault.restore(snapshot, conversationId);
    this.#stored.set(vault, vault.revision); // what the store holds already
    return vault;
  }
}
