import { spawnSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  EnvKeyStore,
  FileKeyStore,
  KeytarKeyStore,
  SafeStorageKeyStore,
  resolveDatabaseKey,
  type SafeStorageLike,
} from './keystore.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-keys-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function recordingLog(): { lines: string[]; info: (m: string) => void; warn: (m: string) => void } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), warn: (m) => lines.push(m) };
}

/** Stands in for Electron's OS-backed safeStorage: real AES-GCM under a key the "OS" holds. */
function osSafeStorage(backend = 'gnome_libsecret'): SafeStorageLike {
  const osKey = randomBytes(32);
  return {
    isEncryptionAvailable: () => Promise.resolve(true),
    storageBackend: () => Promise.resolve(backend),
    encryptString: (plain) => {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', osKey, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Promise.resolve(Buffer.concat([iv, c.getAuthTag(), body]));
    },
    decryptString: (enc) => {
      const d = createDecipheriv('aes-256-gcm', osKey, enc.subarray(0, 12));
      d.setAuthTag(enc.subarray(12, 28));
      return Promise.resolve(
        Buffer.concat([d.update(enc.subarray(28)), d.final()]).toString('utf8'),
      );
    },
  };
}

describe('database key stores', () => {
  it('creates a random 256-bit key in an owner-only file, then loads the same key, logging the choice', async () => {
    const file = path.join(dir, 'profile', 'knowledge.key');
    const log = recordingLog();
    const created = await resolveDatabaseKey([new EnvKeyStore({}), new FileKeyStore(file)], {
      allowCreate: true,
      log,
    });
    expect(created).toMatchObject({ kind: 'key-file', created: true });
    expect(created.key).toHaveLength(32);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    const loaded = await resolveDatabaseKey([new FileKeyStore(file)], { allowCreate: false, log });
    expect(loaded.key.equals(created.key)).toBe(true);
    expect(log.lines.join('\n')).toContain('key-file');
    expect(log.lines.join('\n')).not.toContain(created.key.toString('hex'));
  });

  it('prefers VOICEASSIST_DB_KEY and rejects a malformed one', async () => {
    const hex = randomBytes(32).toString('hex');
    const log = recordingLog();
    const r = await resolveDatabaseKey(
      [new EnvKeyStore({ VOICEASSIST_DB_KEY: hex }), new FileKeyStore(path.join(dir, 'k'))],
      { allowCreate: true, log },
    );
    expect(r).toMatchObject({ kind: 'env', created: false });
    expect(r.key.toString('hex')).toBe(hex);
    expect(existsSync(path.join(dir, 'k'))).toBe(false);
    await expect(
      resolveDatabaseKey([new EnvKeyStore({ VOICEASSIST_DB_KEY: 'abc' })], {
        allowCreate: true,
        log,
      }),
    ).rejects.toMatchObject({ code: 'STORE_KEY_INVALID' });
  });

  it.skipIf(process.platform === 'win32')('refuses a key file other users can read', async () => {
    const file = path.join(dir, 'knowledge.key');
    await fs.writeFile(file, randomBytes(32).toString('hex'), { mode: 0o644 });
    await fs.chmod(file, 0o644);
    await expect(
      resolveDatabaseKey([new FileKeyStore(file)], { allowCreate: false, log: recordingLog() }),
    ).rejects.toMatchObject({ code: 'STORE_KEY_INSECURE' });
  });

  it('does not invent a key for an existing store', async () => {
    await expect(
      resolveDatabaseKey([new EnvKeyStore({}), new FileKeyStore(path.join(dir, 'none'))], {
        allowCreate: false,
        log: recordingLog(),
      }),
    ).rejects.toMatchObject({ code: 'STORE_KEY_UNAVAILABLE' });
  });

  it('wraps the key with safeStorage and never stores it in clear; basic_text is not accepted', async () => {
    const file = path.join(dir, 'knowledge.key.safe');
    const safe = osSafeStorage();
    const r = await resolveDatabaseKey([new SafeStorageKeyStore(file, safe)], {
      allowCreate: true,
      log: recordingLog(),
    });
    expect(r.kind).toBe('safe-storage');
    const onDisk = await fs.readFile(file);
    expect(onDisk.toString('latin1')).not.toContain(r.key.toString('hex'));
    const again = await resolveDatabaseKey([new SafeStorageKeyStore(file, safe)], {
      allowCreate: false,
      log: recordingLog(),
    });
    expect(again.key.equals(r.key)).toBe(true);

    const log = recordingLog();
    const fallback = await resolveDatabaseKey(
      [
        new SafeStorageKeyStore(path.join(dir, 'x.safe'), osSafeStorage('basic_text')),
        new FileKeyStore(path.join(dir, 'k')),
      ],
      { allowCreate: true, log },
    );
    expect(fallback.kind).toBe('key-file');
    expect(log.lines.join('\n')).toMatch(/safe-storage not available \(only the basic_text/);
  });

  it('falls through when the OS keychain cannot be reached', async () => {
    const log = recordingLog();
    const r = await resolveDatabaseKey(
      [
        new KeytarKeyStore('voiceassist-test', 'p', () =>
          Promise.reject(new Error('no secret service')),
        ),
        new FileKeyStore(path.join(dir, 'k')),
      ],
      { allowCreate: true, log },
    );
    expect(r.kind).toBe('key-file');
    expect(log.lines[0]).toContain('keytar not available (no secret service)');
  });

  const canRunKeyring =
    process.platform === 'linux' &&
    spawnSync('sh', ['-c', 'command -v dbus-run-session && command -v gnome-keyring-daemon'])
      .status === 0;
  it.skipIf(!canRunKeyring)(
    'stores and reloads the key through real keytar in a D-Bus session with an unlocked gnome-keyring (skipped without dbus/gnome-keyring)',
    () => {
      const probe = path.join(
        path.dirname(fileURLToPath(import.meta.url)),
        '../../../test-support/store/keytar-probe.ts',
      );
      const tsx = path.resolve(
        path.dirname(fileURLToPath(import.meta.url)),
        '../../../../../node_modules/.bin/tsx',
      );
      const script = `echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; "${tsx}" "${probe}" && "${tsx}" "${probe}"`;
      const r = spawnSync('dbus-run-session', ['--', 'sh', '-c', script], {
        env: { ...process.env, HOME: dir, XDG_DATA_HOME: path.join(dir, 'data'), DISPLAY: '' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.status, r.stderr).toBe(0);
      const lines = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { kind: string; created: boolean; fingerprint: string });
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatchObject({ kind: 'keytar', created: true });
      expect(lines[1]).toMatchObject({
        kind: 'keytar',
        created: false,
        fingerprint: lines[0]?.fingerprint,
      });
    },
  );
});
