/**
 * What the workstation keeps between runs to stay signed in: its enrolment (device id and secret,
 * which identify this workstation at the next sign-in) and the current refresh token. Never the
 * access token (memory only). The engine wires a store backed by the OS keychain or the
 * encrypted profile; tests use the in-memory one.
 */
export type StoredCredentials = {
  serverUrl: string;
  device: { id: string; secret: string } | undefined;
  refreshToken: string | undefined;
};

export interface CredentialStore {
  load(): Promise<StoredCredentials | undefined>;
  save(c: StoredCredentials): Promise<void>;
  clear(): Promise<void>;
}

export class MemoryCredentialStore implements CredentialStore {
  private value: StoredCredentials | undefined;
  constructor(initial?: StoredCredentials) {
    this.value = initial ? structuredClone(initial) : undefined;
  }
  load(): Promise<StoredCredentials | undefined> {
    return Promise.resolve(this.value ? structuredClone(this.value) : undefined);
  }
  save(c: StoredCredentials): Promise<void> {
    this.value = structuredClone(c);
    return Promise.resolve();
  }
  clear(): Promise<void> {
    this.value = undefined;
    return Promise.resolve();
  }
}
