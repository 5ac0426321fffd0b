import { existsSync, promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../store/database.js';
import { SettingsRepository } from '../store/settings.js';
import { ProfileCredentialStore } from './profile-store.js';

const KEY = Buffer.alloc(32, 0x3c);
const SERVER = 'https://voiceassist.clinic.example';
const REFRESH = 'vrt_refresh-token-that-must-not-be-in-plaintext';

let dir: string;
let db: Db | undefined;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-creds-'));
});
afterEach(async () => {
  db?.close();
  db = undefined;
  await fs.rm(dir, { recursive: true, force: true });
});

function open(): { file: string; settings: SettingsRepository } {
  const file = path.join(dir, 'knowledge.db');
  db = openDatabase({ file, key: KEY });
  return { file, settings: new SettingsRepository(db) };
}

describe('ProfileCredentialStore (the encrypted store)', () => {
  it('keeps the enrolment and refresh token across a reopen, never in plaintext on disk', async () => {
    const { file, settings } = open();
    const store = new ProfileCredentialStore(() => Promise.resolve(settings), SERVER);
    expect(await store.load()).toBeUndefined();
    await store.save({
      serverUrl: SERVER,
      device: { id: 'd1', secret: 'vds_secret' },
      refreshToken: REFRESH,
    });
    db?.close();
    for (const f of [file, `${file}-wal`]) {
      if (existsSync(f)) expect(readFileSync(f).includes(Buffer.from('vrt_refresh'))).toBe(false);
    }
    const again = open();
    const reopened = new ProfileCredentialStore(() => Promise.resolve(again.settings), SERVER);
    expect(await reopened.load()).toEqual({
      serverUrl: SERVER,
      device: { id: 'd1', secret: 'vds_secret' },
      refreshToken: REFRESH,
    });
    await reopened.save({ serverUrl: SERVER, device: undefined, refreshToken: undefined });
    expect(await reopened.load()).toEqual({
      serverUrl: SERVER,
      device: undefined,
      refreshToken: undefined,
    });
    await reopened.clear();
    expect(await reopened.load()).toBeUndefined();
  });

  it("reads another server's credentials, or a damaged value, as nothing (sign in and enrol again)", async () => {
    const { settings } = open();
    const store = new ProfileCredentialStore(() => Promise.resolve(settings), SERVER);
    await store.save({ serverUrl: SERVER, device: { id: 'd1', secret: 's' }, refreshToken: 'r' });
    const other = new ProfileCredentialStore(
      () => Promise.resolve(settings),
      'https://other.example',
    );
    expect(await other.load()).toBeUndefined();
    settings.write('identity.credentials', { serverUrl: SERVER, device: 'not an object' });
    expect(await store.load()).toBeUndefined();
  });
});
