import { BrowserWindow, screen } from 'electron';
import { IPC } from '../shared/bridge.js';
import { APP_ORIGIN } from './app-protocol.js';
import { OVERLAY_PATH, OVERLAY_SIZE, overlayBounds, type OverlaySurface } from './overlay-logic.js';
import { secureWebPreferences } from './window-policy.js';

export const OVERLAY_URL = `${APP_ORIGIN}${OVERLAY_PATH}`;

/**
 * The push-to-talk overlay: small, frameless, always on top, never focused, clicks pass through.
 * Same security posture as the main window (secureWebPreferences, app:// with the CSP, navigation
 * and window.open denied by lockDownContents); its preload exposes only `onState`. Thin: what it
 * shows and when is OverlayController (overlay-logic.ts).
 */
export function createOverlayWindow(preload: string): {
  window: BrowserWindow;
  surface: OverlaySurface;
} {
  const window = new BrowserWindow({
    ...OVERLAY_SIZE,
    show: false,
    frame: false,
    transparent: true,
    backgroundColor: '#00000000',
    hasShadow: false,
    resizable: false,
    movable: false,
    minimizable: false,
    maximizable: false,
    fullscreenable: false,
    focusable: false,
    skipTaskbar: true,
    alwaysOnTop: true,
    title: 'VoiceAssist push-to-talk',
    webPreferences: { ...secureWebPreferences(preload), backgroundThrottling: false },
  });
  window.setAlwaysOnTop(true, 'screen-saver'); // above full-screen apps where the OS allows it
  window.setVisibleOnAllWorkspaces(true, { visibleOnFullScreen: true });
  window.setIgnoreMouseEvents(true); // click-through: it never gets in the way of the EHR
  void window.loadURL(OVERLAY_URL);

  const alive = (): boolean => !window.isDestroyed();
  const surface: OverlaySurface = {
    showAtCursorDisplay: () => {
      if (!alive()) return;
      const display = screen.getDisplayNearestPoint(screen.getCursorScreenPoint());
      window.setBounds(overlayBounds(display.workArea));
      window.showInactive(); // never steals focus from the app the person is working in
    },
    hide: () => {
      if (alive()) window.hide();
    },
    send: (state) => {
      if (alive()) window.webContents.send(IPC.overlayState, state);
    },
  };
  return { window, surface };
}
