import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../errors.js';

/**
 * The server key that encrypts stored Nextcloud app passwords (AES-256-GCM). It lives in a file
 * outside the database (NEXTCLOUD_KEYS_FILE, default DATA-DIR/nextcloud-keys.json, mode 0600), so
 * a database dump or backup alone reveals no credential. The file holds every key still needed
 * and names the active one:
 *
 *   {"version":1,"active":"k…","keys":{"k…":"BASE64 32 bytes"}}
 *
 * Rotation (`voiceassist-server nextcloud rotate-key`): a new key becomes active, every stored
 * secret is re-encrypted under it, then the old keys no row uses any more are removed from the
 * file. Servers re-read the file before encrypting when it changed, and when they meet a key id
 * they do not hold, so running instances follow a rotation.
 */
export type Sealed = Readonly<{ keyId: string; nonce: Buffer; secret: Buffer }>;

type KeyFile = { version: 1; active: string; keys: Record<string, string> };

const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

const unavailable = (why: string, cause?: unknown) =>
  new AppError(
    'NEXTCLOUD_KEY_UNAVAILABLE',
    `The Nextcloud credentials key file ${why}; check NEXTCLOUD_KEYS_FILE.`,
    { cause },
  );

function parse(text: string): KeyFile {
  const v = JSON.parse(text) as Partial<KeyFile>;
  if (v.version !== 1 || typeof v.active !== 'string' || typeof v.keys !== 'object')
    throw new Error('not a version 1 key file');
  for (const [id, b64] of Object.entries(v.keys)) {
    if (Buffer.from(b64, 'base64').length !== KEY_BYTES)
      throw new Error(`key ${id} is not 32 bytes`);
  }
  if (!(v.active in v.keys)) throw new Error('the active key is missing');
  return v as KeyFile;
}

const newKeyId = () =>
  `k${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(4).toString('hex')}`;

export class CredentialKeys {
  private keys = new Map<string, Buffer>();
  private active = '';
  private loadedMtimeMs = 0;

  private constructor(readonly file: string) {}

  /** Reads the key file; creates it with a fresh key (mode 0600) when `create` and it is absent. */
  static async load(file: string, opts: { create: boolean }): Promise<CredentialKeys> {
    const k = new CredentialKeys(file);
    const ok = await k.reload();
    if (!ok) {
      if (!opts.create) throw unavailable('does not exist');
      const id = newKeyId();
      await k.write({
        version: 1,
        active: id,
        keys: { [id]: randomBytes(KEY_BYTES).toString('base64') },
      });
      await k.reload();
    }
    return k;
  }

  get activeKeyId(): string {
    return this.active;
  }

  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  /** false when the file does not exist. */
  private async reload(): Promise<boolean> {
    let text: string;
    try {
      this.loadedMtimeMs = (await stat(this.file)).mtimeMs;
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw unavailable('cannot be read', e);
    }
    let parsed: KeyFile;
    try {
      parsed = parse(text);
    } catch (e) {
      throw unavailable(`is not valid (${(e as Error).message})`, e);
    }
    this.keys = new Map(
      Object.entries(parsed.keys).map(([id, b]) => [id, Buffer.from(b, 'base64')]),
    );
    this.active = parsed.active;
    return true;
  }

  /** Atomic replace (write a temporary file, then rename), never readable by others. */
  private async write(content: KeyFile): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(`${JSON.stringify(content, null, 2)}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await chmod(tmp, 0o600);
    await rename(tmp, this.file);
  }

  private snapshot(): KeyFile {
    return {
      version: 1,
      active: this.active,
      keys: Object.fromEntries([...this.keys].map(([id, k]) => [id, k.toString('base64')])),
    };
  }

  /** Re-reads the file if it changed (a rotation by another process): call before `seal`. */
  async refresh(): Promise<void> {
    let mtime: number;
    try {
      mtime = (await stat(this.file)).mtimeMs;
    } catch (e) {
      throw unavailable('cannot be read', e);
    }
    if (mtime !== this.loadedMtimeMs) await this.reload();
  }

  /** Encrypts under the active key; `aad` binds the ciphertext to its row (user, login). */
  seal(plaintext: string, aad: string): Sealed {
    const key = this.keys.get(this.active);
    if (!key) throw unavailable('has no active key');
    const nonce = randomBytes(NONCE_BYTES);
    const c = createCipheriv('aes-256-gcm', key, nonce);
    c.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([c.update(plaintext, 'utf8'), c.final(), c.getAuthTag()]);
    return { keyId: this.active, nonce, secret: body };
  }

  /** Decrypts; reloads the file once when the key id is unknown (another process rotated). */
  async unseal(s: Sealed, aad: string): Promise<string> {
    if (!this.keys.has(s.keyId)) await this.reload();
    const key = this.keys.get(s.keyId);
    if (!key) throw unavailable(`has no key ${s.keyId} (was it removed before re-encryption?)`);
    const d = createDecipheriv('aes-256-gcm', key, s.nonce);
    d.setAAD(Buffer.from(aad, 'utf8'));
    d.setAuthTag(s.secret.subarray(s.secret.length - TAG_BYTES));
    try {
      return Buffer.concat([
        d.update(s.secret.subarray(0, s.secret.length - TAG_BYTES)),
        d.final(),
      ]).toString('utf8');
    } catch (e) {
      throw unavailable('does not decrypt a stored credential (wrong key, or a tampered row)', e);
    }
  }

  /** Adds a new key and makes it active; older keys stay until `retireAllBut`. Returns its id. */
  async addActiveKey(): Promise<string> {
    await this.reload();
    const id = newKeyId();
    this.keys.set(id, randomBytes(KEY_BYTES));
    this.active = id;
    await this.write(this.snapshot());
    return id;
  }

  /** Removes the keys not active and not in `stillUsed` (after re-encrypting under the active). */
  async retireUnused(stillUsed: ReadonlySet<string>): Promise<string[]> {
    await this.reload();
    const gone = this.keyIds.filter((id) => id !== this.active && !stillUsed.has(id));
    for (const id of gone) this.keys.delete(id);
    await this.write(this.snapshot());
    return gone;
  }
}
