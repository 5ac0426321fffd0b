import { PhiVault, type VaultStore } from '@voiceassist/phi';

/** One vault per conversation, loaded from the store on first use and saved after changes. */
export class VaultRegistry {
  readonly #vaults = new Map<string, Promise<PhiVault>>();

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

  async save(vault: PhiVault): Promise<void> {
    await this.store?.save(vault.conversationId, vault.serialize());
  }

  async #load(conversationId: string): Promise<PhiVault> {
    const snapshot = await this.store?.load(conversationId);
    if (snapshot) return PhiVault.restore(snapshot, conversationId);
    return new PhiVault(conversationId, this.dateShiftDays?.(conversationId));
  }
}
