import type { SettingsRepository } from '../store/settings.js';

/** The clinician's voice settings, kept in the encrypted store so they survive a restart. */
export interface VoiceSettings {
  /** Speaking over the answer stops it (needs the VAD). */
  readonly bargeIn: boolean;
  /** Microphone audio of each turn is written to the profile's recordings folder. */
  readonly recording: boolean;
}

const KEY = 'voice.settings';
export const DEFAULT_VOICE_SETTINGS: VoiceSettings = { bargeIn: true, recording: false };

/** The voice settings as one entry of the store's settings. */
export class VoiceSettingsStore {
  constructor(
    private readonly settings: SettingsRepository,
    private readonly warn: (msg: string) => void = () => undefined,
  ) {}

  /** The saved settings; the defaults for anything missing or unreadable. */
  load(): VoiceSettings {
    try {
      const saved = this.settings.read(KEY);
      const parsed = (typeof saved === 'object' && saved !== null ? saved : {}) as Record<
        string,
        unknown
      >;
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
    this.settings.write(KEY, { bargeIn: settings.bargeIn, recording: settings.recording });
  }
}
