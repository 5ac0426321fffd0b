import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openProfile, type Profile } from './profile.js';
import { ProfileHandle } from './profile-handle.js';

const env = { VOICEASSIST_EMBED_MODEL: 'hashing-bow' };
const silent = { info: () => undefined, warn: () => undefined };
let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-profile-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('openProfile', () => {
  it('opens one store for knowledge, conversations, vaults and settings, and reopens it with its key', async () => {
    const lines: string[] = [];
    const profileDir = path.join(dir, 'profile');
    let profile = await openProfile({
      dir: profileDir,
      env,
      log: { info: (m) => lines.push(m), warn: (m) => lines.push(m) },
    });
    try {
      expect(profile.keySource.kind).toBe('key-file');
      expect((await fs.stat(profileDir)).mode & 0o777).toBe(0o700);
      profile.settings.write('voice.settings', { bargeIn: false });
      await profile.vaults.save('c1', { version: 1, entries: [] } as never);
      profile.conversations.saveTurn({
        id: 't1',
        conversationId: 'c1',
        startedAt: '2026-12-01T00:00:00.000Z',
        status: 'complete',
        transcript: 'What lowers phosphate?',
      } as never);
      expect(lines.join('\n')).toMatch(/hashing-bow/);
    } finally {
      await profile.close();
    }
    profile = await openProfile({ dir: profileDir, env, log: silent });
    try {
      expect(profile.settings.read('voice.settings')).toEqual({ bargeIn: false });
      expect(await profile.vaults.load('c1')).toEqual({ version: 1, entries: [] });
      expect(profile.conversations.list().map((c) => c.title)).toEqual(['What lowers phosphate?']);
      expect(profile.knowledge.embedder.id).toBe(profile.embedder.id);
    } finally {
      await profile.close();
    }
  });

  it('loads the voice front end once, however many services ask', async () => {
    const profile = await openProfile({ dir, env, log: silent });
    try {
      const first = profile.voiceFrontEnd();
      expect(profile.voiceFrontEnd()).toBe(first);
      expect((await first)?.vad).toBeDefined();
    } finally {
      await profile.close();
    }
  });
});

describe('ProfileHandle', () => {
  it('opens the profile once for every service that asks at the same time', async () => {
    let opens = 0;
    const handle = new ProfileHandle(
      dir,
      (d): Promise<Profile> => {
        opens++;
        return openProfile({ dir: d, env, log: silent });
      },
      pino({ level: 'silent' }),
    );
    try {
      const [a, b] = await Promise.all([handle.get(), handle.get()]);
      expect(a).toBe(b);
      expect(await handle.get()).toBe(a);
      expect(opens).toBe(1);
      expect(handle.components().store.status).toBe('ready');
    } finally {
      await handle.close();
    }
  });

  it('reports a failed open by code and tries again on the next call', async () => {
    let attempt = 0;
    const handle = new ProfileHandle(
      dir,
      (d): Promise<Profile> =>
        ++attempt === 1
          ? Promise.reject(Object.assign(new Error('locked'), { code: 'STORE_OPEN_FAILED' }))
          : openProfile({ dir: d, env, log: silent }),
      pino({ level: 'silent' }),
    );
    try {
      await expect(handle.get()).rejects.toMatchObject({ code: 'STORE_OPEN_FAILED' });
      expect(handle.components().store).toMatchObject({ status: 'error' });
      expect(await handle.get()).toBeDefined();
      expect(handle.components().store.status).toBe('ready');
    } finally {
      await handle.close();
    }
  });

  it('has nothing to open without a profile folder', async () => {
    const handle = new ProfileHandle(undefined, () => Promise.reject(new Error('unused')), pino());
    expect(await handle.get()).toBeUndefined();
    expect(handle.components().store.status).toBe('not-configured');
  });
});
