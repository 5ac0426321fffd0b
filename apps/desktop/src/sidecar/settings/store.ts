import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Value } from 'typebox/value';
import {
  DEFAULT_SETTINGS,
  SettingsDto,
  type SettingsPatch,
  type SettingsDto as Settings,
} from '../../shared/settings.js';
import type { Handlers } from '../rpc/server.js';

export const SETTINGS_FILE = 'settings.json';

/**
 * The workstation settings in `<profile>/settings.json` (owner-only, written whole through a
 * temporary file so a crash never leaves half a file). A file that does not parse or validate is
 * ignored field by field: valid fields are kept, the rest take their defaults. Without a profile
 * folder the settings live in memory until the engine stops.
 */
export class SettingsStore {
  private current: Omit<Settings, 'persisted'>;

  constructor(private readonly profileDir: string | undefined) {
    this.current = { ...DEFAULT_SETTINGS, ...this.read() };
  }

  get(): Settings {
    return { ...this.current, persisted: this.profileDir !== undefined };
  }

  set(patch: SettingsPatch): Settings {
    const defined = Object.fromEntries(
      Object.entries(patch as Record<string, unknown>).filter(([, v]) => v !== undefined),
    );
    const next: Omit<Settings, 'persisted'> = { ...this.current, ...defined };
    this.current = next;
    if (this.profileDir) {
      mkdirSync(this.profileDir, { recursive: true, mode: 0o700 });
      const file = path.join(this.profileDir, SETTINGS_FILE);
      const tmp = `${file}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
      renameSync(tmp, file);
    }
    return this.get();
  }

  handlers(): Pick<Handlers, 'settings.get' | 'settings.set'> {
    return {
      'settings.get': () => this.get(),
      'settings.set': (patch) => this.set(patch),
    };
  }

  private read(): Partial<Omit<Settings, 'persisted'>> {
    if (!this.profileDir) return {};
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path.join(this.profileDir, SETTINGS_FILE), 'utf8'));
    } catch {
      return {}; // none yet, or unreadable: defaults
    }
    if (typeof raw !== 'object' || raw === null) return {};
    const out: Partial<Omit<Settings, 'persisted'>> = {};
    for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
      const candidate = { ...DEFAULT_SETTINGS, persisted: true, [k]: v };
      if (k in DEFAULT_SETTINGS && Value.Check(SettingsDto, candidate))
        Object.assign(out, { [k]: v });
    }
    return out;
  }
}
