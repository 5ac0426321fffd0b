import path from 'node:path';
import { app } from 'electron';
import { brokerPorts } from './port-broker.js';
import { handleAppProtocol, registerAppScheme } from './protocol.js';
import { Supervisor } from './supervisor.js';
import { utilityLauncher } from './utility-process.js';
import { createMainWindow, installPermissionPolicy, lockDownContents } from './window.js';

/** Thin Electron main: one window, the app:// protocol, the supervised engine. No models, no SQL. */
const DIST = path.resolve(__dirname, '..'); // bundled to dist/main/main.cjs
const isSidecarReady = (m: unknown): boolean => (m as { t?: unknown } | null)?.t === 'ready';

if (!app.requestSingleInstanceLock()) app.quit();
app.enableSandbox();
registerAppScheme();
app.on('web-contents-created', (_event, contents) => lockDownContents(contents));

const supervisor = new Supervisor({
  launch: utilityLauncher(path.join(DIST, 'sidecar', 'index.mjs'), {
    ...process.env,
    ORT_DISABLE_TELEMETRY: '1',
  }),
  isReady: isSidecarReady,
});

app
  .whenReady()
  .then(() => {
    handleAppProtocol(path.join(DIST, 'renderer'));
    installPermissionPolicy();
    const window = createMainWindow(path.join(DIST, 'preload', 'preload.cjs'));
    brokerPorts(window.webContents, supervisor);
    supervisor.start();
    app.on('second-instance', () => window.focus());
  })
  .catch((err: unknown) => {
    console.error('startup failed', err);
    app.exit(1);
  });

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting) return; // second pass, after the engine has stopped
  event.preventDefault();
  quitting = true;
  void supervisor.stop().finally(() => app.quit());
});
app.on('window-all-closed', () => app.quit());
