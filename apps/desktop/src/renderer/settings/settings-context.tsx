import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import type { RpcClient } from '../../shared/client.js';
import type { ErrorInfo } from '../../shared/errors.js';
import { DEFAULT_SETTINGS, type SettingsDto, type SettingsPatch } from '../../shared/settings.js';

export interface SettingsApi {
  readonly settings: SettingsDto;
  /** Always the latest settings, for devices that read them when they start (microphone, voice). */
  readonly latest: { readonly current: SettingsDto };
  /** Saves a change in the engine's profile; resolves with a problem, or null. */
  readonly update: (patch: SettingsPatch) => Promise<ErrorInfo | null>;
  readonly loaded: boolean;
}

const FALLBACK: SettingsDto = { ...DEFAULT_SETTINGS, persisted: false };
const SettingsContext = createContext<SettingsApi>({
  settings: FALLBACK,
  latest: { current: FALLBACK },
  update: () => Promise.resolve(null),
  loaded: false,
});

/** Root font sizes of the text size setting (everything is sized in rem). */
export const TEXT_SIZE_PX: Readonly<Record<SettingsDto['textSize'], number>> = {
  small: 14,
  normal: 16,
  large: 18,
  larger: 20,
};

/** Loads the settings from the engine, applies the text size, and shares them with every view. */
export function SettingsProvider({
  client,
  children,
}: {
  client: RpcClient | undefined;
  children: ReactNode;
}) {
  const [settings, setSettings] = useState<SettingsDto>(FALLBACK);
  const [loaded, setLoaded] = useState(false);
  const latest = useRef<SettingsDto>(FALLBACK);

  const apply = useCallback((s: SettingsDto) => {
    latest.current = s;
    setSettings(s);
    document.documentElement.style.fontSize = `${TEXT_SIZE_PX[s.textSize]}px`;
  }, []);

  useEffect(() => {
    if (!client) return;
    let live = true;
    void client.call('settings.get', {}).then((r) => {
      if (!live || !r.ok) return;
      apply(r.value);
      setLoaded(true);
    });
    return () => {
      live = false;
    };
  }, [client, apply]);

  const update = useCallback(
    async (patch: SettingsPatch): Promise<ErrorInfo | null> => {
      if (!client) return { code: 'TRANSPORT_CLOSED', message: 'Not connected.' };
      // The control follows the choice at once; the engine's reply (or the old value) then wins.
      const before = latest.current;
      const defined = Object.fromEntries(
        Object.entries(patch as Record<string, unknown>).filter(([, v]) => v !== undefined),
      );
      apply({ ...before, ...defined });
      const r = await client.call('settings.set', patch);
      if (!r.ok) {
        apply(before);
        return r.error;
      }
      apply(r.value);
      return null;
    },
    [client, apply],
  );

  const value = useMemo(() => ({ settings, latest, update, loaded }), [settings, update, loaded]);
  return <SettingsContext.Provider value={value}>{children}</SettingsContext.Provider>;
}

export const useSettings = (): SettingsApi => useContext(SettingsContext);
