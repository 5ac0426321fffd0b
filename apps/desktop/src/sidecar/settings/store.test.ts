import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../shared/settings.js';
import { SETTINGS_FILE, SettingsStore } from './store.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('workstation settings', () => {
  it('starts from the defaults (typed answers are not read aloud) and keeps changes in the profile, owner-only', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'va-settings-'));
    const store = new SettingsStore(dir);
    expect(store.get()).toEqual({ ...DEFAULT_SETTINGS, persisted: true });
    expect(store.get().readTypedAnswers).toBe(false);
    store.set({ pushToTalkKey: 'F8', textSize: 'large', speechRate: 1.25 });
    const file = path.join(dir, SETTINGS_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(new SettingsStore(dir).get()).toMatchObject({
      pushToTalkKey: 'F8',
      textSize: 'large',
      speechRate: 1.25,
      microphoneId: null,
    });
    expect(JSON.parse(readFileSync(file, 'utf8'))).not.toHaveProperty('persisted');
  });

  it('ignores fields of a damaged file one by one and never fails to start', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'va-settings-'));
    writeFileSync(
      path.join(dir, SETTINGS_FILE),
      JSON.stringify({ textSize: 'huge', speechRate: 1.5, extra: 1, pushToTalkKey: 'F 8' }),
    );
    expect(new SettingsStore(dir).get()).toMatchObject({
      textSize: 'normal',
      speechRate: 1.5,
      pushToTalkKey: 'Space',
    });
    writeFileSync(path.join(dir, SETTINGS_FILE), '{not json');
    expect(new SettingsStore(dir).get()).toEqual({ ...DEFAULT_SETTINGS, persisted: true });
  });

  it('without a profile folder keeps changes in memory and says they are not persisted', () => {
    const store = new SettingsStore(undefined);
    expect(store.set({ voiceName: 'Alex' })).toMatchObject({ voiceName: 'Alex', persisted: false });
  });
});
