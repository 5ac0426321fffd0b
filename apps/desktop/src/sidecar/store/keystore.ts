import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { KnowledgeError } from './errors.js';

/** 256-bit SQLCipher key. */
export const KEY_BYTES = 32;

export type KeySourceKind = 'keytar' | 'safe-storage' | 'env' | 'key-file';

/**
 * One place a store key can live. Stores are tried in order (keytar → safeStorage-wrapped file →
 * VOICEASSIST_DB_KEY / 0600 key file); the first that holds a key wins, and a new key is saved in
 * the first writable one that is available.
 */
export interface KeyStore {
  readonly kind: KeySourceKind;
  /** Where the key lives, for the start-up log. Never the key itself. */
  readonly location: string;
  readonly writable: boolean;
  /** Whether this store can be used on this machine right now; `reason` says why not. */
  availability(): Promise<{ available: true } | { available: false; reason: string }>;
  load(): Promise<Buffer | null>;
  save(key: Buffer): Promise<void>;
}

export interface KeyLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface ResolvedKey {
  readonly key: Buffer;
  readonly kind: KeySourceKind;
  readonly location: string;
  readonly created: boolean;
}

export function parseHexKey(hex: string, where: string): Buffer {
  const trimmed = hex.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(trimmed))
    throw new KnowledgeError(
      'STORE_KEY_INVALID',
      `The database key in ${where} must be 64 hexadecimal characters (256 bits).`,
    );
  return Buffer.from(trimmed, 'hex');
}

/**
 * Finds the store key, or creates a random one when `allowCreate` (a new, empty store). Logs the
 * choice at start; never falls back to a plaintext key silently.
 */
export async function resolveDatabaseKey(
  stores: readonly KeyStore[],
  options: { allowCreate: boolean; log: KeyLog },
): Promise<ResolvedKey> {
  const usable: KeyStore[] = [];
  for (const store of stores) {
    const a = await store.availability();
    if (!a.available) {
      options.log.info(`database key: ${store.kind} not available (${a.reason})`);
      continue;
    }
    usable.push(store);
    const key = await store.load();
    if (key) {
      options.log.info(`database key: loaded from ${store.kind} (${store.location})`);
      return { key, kind: store.kind, location: store.location, created: false };
    }
  }
  if (!options.allowCreate)
    throw new KnowledgeError(
      'STORE_KEY_UNAVAILABLE',
      `The store exists but no key store holds its key (tried: ${stores.map((s) => s.kind).join(', ')}). Set VOICEASSIST_DB_KEY or restore the key file.`,
    );
  const target = usable.find((s) => s.writable);
  if (!target)
    throw new KnowledgeError(
      'STORE_KEY_UNAVAILABLE',
      `No key store can hold a new database key (tried: ${stores.map((s) => s.kind).join(', ')}).`,
    );
  const key = randomBytes(KEY_BYTES);
  await target.save(key);
  options.log.info(`database key: created a new random key in ${target.kind} (${target.location})`);
  return { key, kind: target.kind, location: target.location, created: true };
}

/** `VOICEASSIST_DB_KEY`: 64 hex characters, for CI, the CLI and web mode. Read-only. */
export class EnvKeyStore implements KeyStore {
  readonly kind = 'env';
  readonly location = 'VOICEASSIST_DB_KEY';
  readonly writable = false;
  constructor(private readonly env: NodeJS.ProcessEnv) {}
  availability(): Promise<{ available: true } | { available: false; reason: string }> {
    return Promise.resolve(
      this.env.VOICEASSIST_DB_KEY ? { available: true } : { available: false, reason: 'not set' },
    );
  }
  load(): Promise<Buffer | null> {
    const hex = this.env.VOICEASSIST_DB_KEY;
    return Promise.resolve(hex ? parseHexKey(hex, 'VOICEASSIST_DB_KEY') : null);
  }
  save(): Promise<void> {
    return Promise.reject(new Error('VOICEASSIST_DB_KEY is read-only'));
  }
}

/** Rejects a key file that anyone but its owner can read: such a key protects nothing. */
async function assertOwnerOnly(file: string): Promise<void> {
  if (process.platform === 'win32') return; // NTFS ACLs, not mode bits: the profile folder protects it
  const st = await fs.stat(file);
  if ((st.mode & 0o077) !== 0)
    throw new KnowledgeError(
      'STORE_KEY_INSECURE',
      `The key file ${file} is readable by other users (mode ${(st.mode & 0o777).toString(8)}); run \`chmod 600 ${file}\`.`,
    );
}

async function writeOwnerOnly(file: string, data: string | Buffer): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, data, { mode: 0o600, flag: 'wx' });
  await fs.rename(tmp, file); // atomic: a crash leaves the old file or the new one, never half a key
}

async function readIfExists(file: string): Promise<Buffer | null> {
  try {
    return await fs.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** A hex key in a file only its owner can read (CLI, web mode, CI). */
export class FileKeyStore implements KeyStore {
  readonly kind = 'key-file';
  readonly writable = true;
  constructor(readonly location: string) {}
  availability(): Promise<{ available: true }> {
    return Promise.resolve({ available: true });
  }
  async load(): Promise<Buffer | null> {
    const data = await readIfExists(this.location);
    if (!data) return null;
    await assertOwnerOnly(this.location);
    return parseHexKey(data.toString('utf8'), this.location);
  }
  save(key: Buffer): Promise<void> {
    return writeOwnerOnly(this.location, `${key.toString('hex')}\n`);
  }
}

/**
 * Electron `safeStorage`, which exists only in the main process. The sidecar receives this seam
 * (calls proxied over the parent port), so its methods are async.
 */
export interface SafeStorageLike {
  isEncryptionAvailable(): Promise<boolean>;
  /** Electron's `getSelectedStorageBackend()` on Linux; `basic_text` means no real protection. */
  storageBackend(): Promise<string>;
  encryptString(plain: string): Promise<Buffer>;
  decryptString(encrypted: Buffer): Promise<string>;
}

/** The key wrapped by the OS (DPAPI, Keychain, kwallet/libsecret) and stored in a file. */
export class SafeStorageKeyStore implements KeyStore {
  readonly kind = 'safe-storage';
  readonly writable = true;
  constructor(
    readonly location: string,
    private readonly safeStorage: SafeStorageLike,
  ) {}
  async availability(): Promise<{ available: true } | { available: false; reason: string }> {
    if (!(await this.safeStorage.isEncryptionAvailable()))
      return { available: false, reason: 'OS encryption unavailable' };
    const backend = await this.safeStorage.storageBackend();
    if (backend === 'basic_text')
      return { available: false, reason: 'only the basic_text backend, which is not encryption' };
    return { available: true };
  }
  async load(): Promise<Buffer | null> {
    const wrapped = await readIfExists(this.location);
    if (!wrapped) return null;
    return parseHexKey(await this.safeStorage.decryptString(wrapped), this.location);
  }
  async save(key: Buffer): Promise<void> {
    await writeOwnerOnly(this.location, await this.safeStorage.encryptString(key.toString('hex')));
  }
}

/** The minimal part of keytar used here, so tests and other keychains can stand in. */
export interface KeychainLike {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
}

const KEYCHAIN_TIMEOUT_MS = 5_000;

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what} did not answer within ${KEYCHAIN_TIMEOUT_MS} ms`));
    }, KEYCHAIN_TIMEOUT_MS);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** The OS keychain through keytar (libsecret on Linux, Keychain on macOS, Credential Vault on Windows). */
export class KeytarKeyStore implements KeyStore {
  readonly kind = 'keytar';
  readonly writable = true;
  readonly location: string;
  private keychain: KeychainLike | undefined;
  constructor(
    private readonly service: string,
    private readonly account: string,
    private readonly loadKeychain: () => Promise<KeychainLike> = loadKeytar,
  ) {
    this.location = `keychain service "${service}", account "${account}"`;
  }
  async availability(): Promise<{ available: true } | { available: false; reason: string }> {
    try {
      this.keychain = await this.loadKeychain();
      // A probe read: on a headless Linux without a D-Bus session this is where it fails.
      await withTimeout(this.keychain.getPassword(this.service, this.account), 'the keychain');
      return { available: true };
    } catch (err) {
      return { available: false, reason: err instanceof Error ? err.message : String(err) };
    }
  }
  async load(): Promise<Buffer | null> {
    const keychain = this.keychain ?? (await this.loadKeychain());
    const hex = await withTimeout(keychain.getPassword(this.service, this.account), 'the keychain');
    return hex ? parseHexKey(hex, this.location) : null;
  }
  async save(key: Buffer): Promise<void> {
    const keychain = this.keychain ?? (await this.loadKeychain());
    await withTimeout(
      keychain.setPassword(this.service, this.account, key.toString('hex')),
      'the keychain',
    );
  }
}

async function loadKeytar(): Promise<KeychainLike> {
  const mod = (await import('keytar')) as KeychainLike & { default?: KeychainLike };
  return mod.default ?? mod;
}
