import { Type } from 'typebox';
import { Value } from 'typebox/value';
import type { SettingsRepository } from '../store/settings.js';
import type { CredentialStore, StoredCredentials } from './store.js';

const KEY = 'identity.credentials';

const Stored = Type.Object({
  serverUrl: Type.String({ maxLength: 2048 }),
  device: Type.Union([
    Type.Object({ id: Type.String({ maxLength: 64 }), secret: Type.String({ maxLength: 128 }) }),
    Type.Null(),
  ]),
  refreshToken: Type.Union([Type.String({ maxLength: 512 }), Type.Null()]),
});

/**
 * The enrolment and refresh token in the profile's encrypted store (SQLCipher `meta`), so they
 * survive a restart and never sit in a plaintext file. A value that does not match the schema (an
 * older or damaged one) reads as nothing: the person signs in again, the device enrols again.
 */
export class ProfileCredentialStore implements CredentialStore {
  constructor(
    private readonly settings: () => Promise<SettingsRepository>,
    /** Credentials kept for another server are not this one's. */
    private readonly serverUrl: string,
  ) {}

  async load(): Promise<StoredCredentials | undefined> {
    const raw = (await this.settings()).read(KEY);
    if (raw === undefined || raw === null || !Value.Check(Stored, raw)) return undefined;
    if (raw.serverUrl !== this.serverUrl) return undefined;
    return {
      serverUrl: raw.serverUrl,
      device: raw.device ?? undefined,
      refreshToken: raw.refreshToken ?? undefined,
    };
  }

  async save(c: StoredCredentials): Promise<void> {
    (await this.settings()).write(KEY, {
      serverUrl: c.serverUrl,
      device: c.device ?? null,
      refreshToken: c.refreshToken ?? null,
    });
  }

  async clear(): Promise<void> {
    (await this.settings()).write(KEY, null);
  }
}
