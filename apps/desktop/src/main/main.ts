import path from 'node:path';
import {
  app,
  dialog,
  globalShortcut,
  ipcMain,
  Notification,
  shell,
  type BrowserWindow,
} from 'electron';
import { IPC, parseVoiceReport } from '../shared/bridge.js';
import { isEngineReady } from '../shared/engine-handshake.js';
import { APP_INDEX_URL } from './app-protocol.js';
import { engineEnv } from './engine-env.js';
import { HotkeyController, helperCommandFor, type HotkeyErrorInfo } from './hotkey/index.js';
import { chooseHotkey } from './hotkey-settings.js';
import { isTrustedSender } from './ipc-guard.js';
import { openLoginPageHandler } from './login-page.js';
import { OverlayController } from './overlay-logic.js';
import { createOverlayWindow } from './overlay-window.js';
import { pickPathsHandler } from './path-picker.js';
import { brokerPorts } from './port-broker.js';
import { handleAppProtocol, registerAppScheme } from './protocol.js';
import { PushToTalkRelay } from './ptt-relay.js';
import { Supervisor } from './supervisor.js';
import { utilityLauncher } from './utility-process.js';
import { createMainWindow, installPermissionPolicy, lockDownContents } from './window.js';

/** Thin Electron main: windows, the app:// protocol, the supervised engine, the push-to-talk
 * hotkey and its overlay. No models, no SQL. Logic lives in the pure modules it wires. */
const DIST = path.resolve(__dirname, '..'); // bundled to dist/main/main.cjs

if (!app.requestSingleInstanceLock()) app.quit();
app.enableSandbox();
registerAppScheme();
app.on('web-contents-created', (_event, contents) => lockDownContents(contents));

const supervisor = new Supervisor({
  launch: utilityLauncher(
    path.join(DIST, 'sidecar', 'index.mjs'),
    engineEnv(process.env, {
      packaged: app.isPackaged,
      resourcesPath: process.resourcesPath,
      appPath: app.getAppPath(),
      userData: app.getPath('userData'),
    }),
  ),
  isReady: isEngineReady,
});

const hotkeyChoice = chooseHotkey(process.env);
let hotkey: HotkeyController | undefined;

function notify(error: HotkeyErrorInfo): void {
  if (!Notification.isSupported()) return;
  new Notification({ title: 'VoiceAssist push-to-talk', body: error.message }).show();
}

function startPushToTalk(window: BrowserWindow): void {
  const contents = window.webContents;
  const overlay = createOverlayWindow(path.join(DIST, 'preload', 'overlay-preload.cjs'));
  window.on('closed', () => {
    if (!overlay.window.isDestroyed()) overlay.window.destroy(); // else it keeps the app alive
  });
  hotkey = new HotkeyController({
    hotkey: hotkeyChoice.hotkey,
    helper: helperCommandFor(path.join(DIST, 'main', 'hook-process.cjs')),
    globalShortcut,
  });
  const overlayController = new OverlayController(overlay.surface);
  // A state sent before the overlay page had loaded is lost: send the current one once it has.
  overlay.window.webContents.on('did-finish-load', () =>
    overlay.surface.send(overlayController.state),
  );
  const relay = new PushToTalkRelay({
    hotkey,
    window: contents,
    overlay: overlayController,
    notify,
    ...(hotkeyChoice.error ? { settingsError: hotkeyChoice.error } : {}),
  });
  const indexPath = new URL(APP_INDEX_URL).pathname;
  ipcMain.on(IPC.voiceReport, (event, payload: unknown) => {
    if (!isTrustedSender(event, contents, indexPath)) return; // only our page in our window
    const report = parseVoiceReport(payload);
    if (report) relay.onVoiceReport(report);
  });
  contents.on('did-start-loading', () => relay.rendererReset()); // reload: no turn survives
  contents.on('render-process-gone', () => relay.rendererReset());
  contents.on('did-finish-load', () => relay.resendStatus());
  window.on('closed', () => relay.rendererReset());
  hotkey.start();
}

app
  .whenReady()
  .then(() => {
    handleAppProtocol(path.join(DIST, 'renderer'));
    const window = createMainWindow(path.join(DIST, 'preload', 'preload.cjs'));
    // Only the main window may ask for the microphone; the overlay and anything else get nothing.
    installPermissionPolicy((contents) => contents !== window.webContents);
    brokerPorts(window.webContents, supervisor);
    ipcMain.handle(
      IPC.pickPaths,
      pickPathsHandler({
        contents: window.webContents,
        pathname: new URL(APP_INDEX_URL).pathname,
        showOpenDialog: (options) => dialog.showOpenDialog(window, options),
      }),
    );
    ipcMain.on(
      IPC.openLoginPage,
      openLoginPageHandler({
        contents: window.webContents,
        pathname: new URL(APP_INDEX_URL).pathname,
        openExternal: (url) => shell.openExternal(url),
      }),
    );
    supervisor.start();
    startPushToTalk(window);
    app.on('second-instance', () => window.focus());
  })
  .catch((err: unknown) => {
    console.error('startup failed', err);
    app.exit(1);
  });

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting) return; // second pass, after the engine and the hotkey helper have stopped
  event.preventDefault();
  quitting = true;
  void Promise.allSettled([supervisor.stop(), hotkey?.stop()]).finally(() => app.quit());
});
app.on('will-quit', () => {
  void hotkey?.stop(); // idempotent; unregisters the fallback shortcut synchronously
  globalShortcut.unregisterAll();
});
app.on('window-all-closed', () => app.quit());
