import { BrowserMic } from '../audio/capture.js';
import { BrowserSpeaker } from '../audio/speaker.js';
import type { AudioDevices } from '../ask/voice-context.js';
import type { SettingsDto } from '../../shared/settings.js';

/**
 * The browser's media devices with the chosen microphone asked for. A microphone that is gone
 * (unplugged since it was chosen) falls back to the system default rather than failing the turn.
 */
export function chosenMicrophone(
  media: MediaDevices | undefined,
  deviceId: () => string | null,
): MediaDevices | undefined {
  if (!media) return undefined;
  const getUserMedia = async (constraints?: MediaStreamConstraints): Promise<MediaStream> => {
    const id = deviceId();
    const audio = constraints?.audio;
    if (!id || typeof audio !== 'object') return media.getUserMedia(constraints);
    try {
      return await media.getUserMedia({
        ...constraints,
        audio: { ...audio, deviceId: { exact: id } },
      });
    } catch (err) {
      const name = err instanceof Error || err instanceof DOMException ? err.name : '';
      if (name !== 'OverconstrainedError' && name !== 'NotFoundError') throw err;
      return media.getUserMedia(constraints);
    }
  };
  // Everything else (enumerateDevices, events) is the browser's own.
  return new Proxy(media, {
    get: (target, prop): unknown => {
      if (prop === 'getUserMedia') return getUserMedia;
      const value = Reflect.get(target, prop) as unknown;
      return value instanceof Function
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}

/** The system voice with the chosen voice and speed applied to every sentence it reads. */
export function chosenVoice(
  synth: SpeechSynthesis | undefined,
  settings: () => Pick<SettingsDto, 'voiceName' | 'speechRate'>,
): SpeechSynthesis | undefined {
  if (!synth) return undefined;
  return new Proxy(synth, {
    get: (target, prop): unknown => {
      if (prop === 'speak')
        return (utterance: SpeechSynthesisUtterance): void => {
          const { voiceName, speechRate } = settings();
          const voice = voiceName
            ? target.getVoices().find((v) => v.name === voiceName)
            : undefined;
          if (voice) {
            utterance.voice = voice;
            utterance.lang = voice.lang;
          }
          utterance.rate = speechRate;
          target.speak(utterance);
        };
      const value = Reflect.get(target, prop) as unknown;
      return value instanceof Function
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}

/** Browser audio following the settings as they are when a turn starts. */
export function settingsAudio(latest: { readonly current: SettingsDto }): AudioDevices {
  return {
    createMic: () =>
      new BrowserMic(
        chosenMicrophone(
          typeof navigator === 'undefined' ? undefined : navigator.mediaDevices,
          () => latest.current.microphoneId,
        ),
      ),
    createSpeaker: () =>
      new BrowserSpeaker(chosenVoice(globalThis.speechSynthesis, () => latest.current)),
  };
}
