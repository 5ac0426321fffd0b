import type { Db } from '../store/database.js';

/** The clinician's voice settings, kept in the encrypted store so they survive a restart. */
export interface VoiceSettings {
  /** Speaking over the answer stops it (needs the VAD). */
  readonly bargeIn: boolean;
  /** Microphone audio of each turn is written to the profile's recordings folder. */
  readonly recording: boolean;
}

const KEY = 'voice.settings';
export const DEFAULT_VOICE_SETTINGS: VoiceSettings = { bargeIn: true, recording: false };

/** One row of the store's `meta` table, as JSON. */
export class VoiceSettingsStore {
  constructor(
    private readonly db: Db,
    private readonly warn: (msg: string) => void = () => undefined,
  ) {}

  /** The saved settings; the defaults for anything missing or unreadable. */
  load(): VoiceSettings {
    try {
      const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(KEY) as
        { value: string } | undefined;
      const parsed = row ? (JSON.parse(row.value) as Record<string, unknown>) : {};
      return {
        bargeIn:
          typeof parsed.bargeIn === 'boolean' ? parsed.bargeIn : DEFAULT_VOICE_SETTINGS.bargeIn,
        recording:
          typeof parsed.recording === 'boolean'
            ? parsed.recording
            : DEFAULT_VOICE_SETTINGS.recording,
      };
    } catch (err) {
      this.warn(`voice settings unreadable, using defaults: ${String(err)}`);
      return DEFAULT_VOICE_SETTINGS;
    }
  }

  save(settings: VoiceSettings): void {
    this.db
      .prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      )
      .run(KEY, JSON.stringify({ bargeIn: settings.bargeIn, recording: settings.recording }));
  }
}
