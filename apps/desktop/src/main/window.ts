import { BrowserWindow, session, type WebContents } from 'electron';
import { APP_INDEX_URL } from './app-protocol.js';
import { isPermissionAllowed, secureWebPreferences } from './window-policy.js';

/** Applies to every web contents the app ever creates: no navigation, no pop-ups, no webviews. */
export function lockDownContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** `denyFor`: web contents that get no permission at all (the overlay needs none). */
export function installPermissionPolicy(
  denyFor: (contents: WebContents | null) => boolean = () => false,
): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((contents, permission, callback, details) => {
    if (denyFor(contents)) {
      callback(false);
      return;
    }
    callback(
      isPermissionAllowed({
        permission,
        requestingUrl: details.requestingUrl,
        mediaTypes: 'mediaTypes' in details ? details.mediaTypes : undefined,
      }),
    );
  });
  ses.setPermissionCheckHandler(
    (contents, permission, requestingOrigin) =>
      !denyFor(contents) && isPermissionAllowed({ permission, requestingUrl: requestingOrigin }),
  );
}

export function createMainWindow(preload: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 520,
    show: false,
    title: 'VoiceAssist Workstation',
    backgroundColor: '#f4f6f8',
    // Push-to-talk from the global hotkey drives this page while it sits behind other apps.
    webPreferences: { ...secureWebPreferences(preload), backgroundThrottling: false },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_INDEX_URL);
  return window;
}
