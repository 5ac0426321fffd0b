import {
  createContext,
  useContext,
  useEffect,
  useMemo,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import { bindGlobalHotkey } from '../../shared/bridge.js';
import { preloadBridge } from '../transport.js';
import type { RpcClient } from '../../shared/client.js';
import { BrowserMic, type MicSource } from '../audio/capture.js';
import { BrowserSpeaker, type Speaker } from '../audio/speaker.js';
import { TurnLog, type TurnView } from '../conversation/turn-log.js';
import { IDLE_SNAPSHOT, TurnController, type VoiceSnapshot } from './turn-controller.js';

/** Browser audio by default; component tests pass stand-ins for the devices jsdom lacks. */
export interface AudioDevices {
  createMic(): MicSource;
  createSpeaker(): Speaker;
}

export const BROWSER_AUDIO: AudioDevices = {
  createMic: () => new BrowserMic(),
  createSpeaker: () => new BrowserSpeaker(),
};

export interface Voice {
  readonly controller: TurnController;
  readonly log: TurnLog;
  readonly client: RpcClient;
}

const VoiceContext = createContext<Voice | undefined>(undefined);

/**
 * One turn controller and turn log per engine connection, shared by every view (Ask shows the
 * turns, Diagnostics the capture settings and timings) and by the global hotkey when it arrives.
 */
export function VoiceProvider({
  client,
  devices = BROWSER_AUDIO,
  children,
}: {
  client: RpcClient | undefined;
  devices?: AudioDevices;
  children: ReactNode;
}) {
  const voice = useMemo<Voice | undefined>(
    () =>
      client && {
        controller: new TurnController(client, devices.createMic(), devices.createSpeaker()),
        log: new TurnLog(client),
        client,
      },
    [client, devices],
  );
  useEffect(() => {
    if (!voice) return;
    voice.controller.start();
    voice.log.start();
    // Electron: the global hotkey (main process) drives the same controller; web mode has none.
    const bridge = preloadBridge(window);
    const unbind = bridge ? bindGlobalHotkey(bridge, voice.controller) : undefined;
    return () => {
      unbind?.();
      voice.controller.stop();
      voice.log.stop();
    };
  }, [voice]);
  return <VoiceContext.Provider value={voice}>{children}</VoiceContext.Provider>;
}

export const useVoice = (): Voice | undefined => useContext(VoiceContext);

const NO_TURNS: readonly TurnView[] = [];

export function useVoiceSnapshot(voice: Voice | undefined): VoiceSnapshot {
  return useSyncExternalStore(
    (onChange) => voice?.controller.subscribe(onChange) ?? (() => undefined),
    () => voice?.controller.state ?? IDLE_SNAPSHOT,
  );
}

export function useTurns(voice: Voice | undefined): readonly TurnView[] {
  return useSyncExternalStore(
    (onChange) => voice?.log.subscribe(onChange) ?? (() => undefined),
    () => voice?.log.all ?? NO_TURNS,
  );
}
