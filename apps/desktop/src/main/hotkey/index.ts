/**
 * Push-to-talk hotkey for the main process. Nothing reachable from here imports electron or the
 * native hook: uiohook-napi is loaded only inside the helper process (hook-process.ts), and
 * Electron's globalShortcut is passed in as a parameter.
 *
 *   const hotkey = new HotkeyController({ hotkey: settings.hotkey, helper, globalShortcut });
 *   hotkey.on('pressed', ({ at }) => startTurn(at));
 *   hotkey.on('released', ({ at }) => endTurn(at));
 *   hotkey.on('state', ({ mode, error }) => showHotkeyStatus(mode, error));
 *   hotkey.start();  …  await hotkey.stop();
 */
export {
  DEFAULT_READY_TIMEOUT_MS,
  DEFAULT_RESTART,
  HotkeyController,
  type ControllerState,
  type HotkeyControllerOptions,
  type HotkeyEvents,
  type HotkeyMode,
  type ReleaseCause,
  type RestartPolicy,
} from './controller.js';
export { detectHookSupport, type HookSupport } from './display.js';
export {
  HOTKEY_ERRORS,
  HotkeyError,
  type HotkeyErrorCode,
  type HotkeyErrorInfo,
} from './errors.js';
export {
  devHelperCommand,
  helperCommandFor,
  type HelperCommand,
  type Runtime,
  type SpawnFn,
} from './hook-client.js';
export { DEFAULT_HOTKEY, formatHotkey, parseHotkey, type Hotkey } from './hotkey.js';
export { ToggleShortcut, type GlobalShortcutLike } from './toggle-shortcut.js';
