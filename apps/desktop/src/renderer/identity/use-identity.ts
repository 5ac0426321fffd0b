import { useEffect, useState } from 'react';
import { BRIDGE_KEY, type VoiceAssistBridge } from '../../shared/bridge.js';
import type { RpcClient } from '../../shared/client.js';
import type { IdentityState } from '../../shared/identity.js';

/** Input events that count as someone using the workstation (for the idle lock). */
const ACTIVITY_EVENTS = ['keydown', 'pointerdown', 'wheel', 'touchstart'] as const;
/** Activity is reported at most this often (and at most four times per idle period). */
export const ACTIVITY_REPORT_MS = 10_000;

/**
 * The engine's sign-in state, followed through `identity.changed`; undefined until known (or
 * when this engine does not answer it: the engine still refuses what needs a sign-in).
 */
export function useIdentity(client: RpcClient | undefined): IdentityState | undefined {
  const [state, setState] = useState<IdentityState>();
  useEffect(() => {
    if (!client) return;
    let live = true;
    const off = client.on('identity.changed', (s) => setState(s));
    void client.call('identity.state', {}).then((r) => {
      if (live && r.ok) setState(r.value);
    });
    return () => {
      live = false;
      off();
    };
  }, [client]);
  return state;
}

/** While someone is signed in, tells the engine now and then that the workstation is in use. */
export function useActivityReports(
  client: RpcClient | undefined,
  idleTimeoutSeconds: number | null | undefined,
): void {
  useEffect(() => {
    if (!client || !idleTimeoutSeconds) return;
    const every = Math.min(ACTIVITY_REPORT_MS, (idleTimeoutSeconds * 1000) / 4);
    let last = 0;
    const report = (): void => {
      const now = Date.now();
      if (now - last < every) return;
      last = now;
      void client.call('identity.activity', {});
    };
    for (const e of ACTIVITY_EVENTS) window.addEventListener(e, report, { passive: true });
    return () => {
      for (const e of ACTIVITY_EVENTS) window.removeEventListener(e, report);
    };
  }, [client, idleTimeoutSeconds]);
}

/**
 * Opens the clinic's login page: in Electron through main (the system browser; the window itself
 * never navigates away), in web mode as a new tab.
 */
export function openLoginPage(url: string): void {
  const bridge = (window as { [BRIDGE_KEY]?: VoiceAssistBridge })[BRIDGE_KEY];
  if (bridge?.openLoginPage) bridge.openLoginPage(url);
  else window.open(url, '_blank', 'noopener');
}
