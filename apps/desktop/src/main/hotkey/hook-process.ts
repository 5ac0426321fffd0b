/**
 * The hook helper: a plain Node process that runs uiohook-napi and prints the hotkey's presses as
 * JSON lines (protocol.ts). It lives in its own process because uiohook aborts the whole process
 * when there is no X display, and blocks its thread forever when DISPLAY names a dead server.
 *
 *   node --import tsx hook-process.ts --hotkey "Control+Alt+Space"
 *
 * Exits when stdin closes (the parent died or stopped it), so it never outlives the app.
 * Exit codes: 0 stopped, 1 hook failure (worth a restart), 2 configuration the parent must change.
 */
import { ComboTracker, type KeyEvent } from './combo-tracker.js';
import { detectHookSupport, isDisplayReachable } from './display.js';
import { HotkeyError, hotkeyErrorInfo, type HotkeyErrorInfo } from './errors.js';
import { DEFAULT_HOTKEY, formatHotkey, parseHotkey, type Hotkey } from './hotkey.js';
import { encodeHookMessage, type HookMessage } from './protocol.js';
import type { UiohookKeyboardEvent } from 'uiohook-napi';

export const EXIT_CONFIG = 2;
export const EXIT_HOOK_FAILED = 1;

function send(message: HookMessage): void {
  process.stdout.write(encodeHookMessage(message));
}

/** Reports and lets the process end by itself (nothing else keeps it alive before the hook runs),
 * so the line is fully written even where pipe writes are asynchronous (Windows). */
function fail(error: HotkeyErrorInfo, exitCode: number): void {
  process.exitCode = exitCode;
  send({ type: 'error', code: error.code, message: error.message });
}

function hotkeyFromArgs(argv: readonly string[]): Hotkey {
  const i = argv.indexOf('--hotkey');
  const text = i === -1 ? DEFAULT_HOTKEY : argv[i + 1];
  if (text === undefined) throw new HotkeyError('HOTKEY_INVALID', '--hotkey needs a value.');
  return parseHotkey(text);
}

async function main(): Promise<void> {
  let hotkey: Hotkey;
  try {
    hotkey = hotkeyFromArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof HotkeyError) return fail(e.toInfo(), EXIT_CONFIG);
    throw e;
  }

  const support = detectHookSupport(process.env, process.platform);
  if (support.kind === 'fallback') return fail(support.error, EXIT_CONFIG);
  const display = process.env.DISPLAY;
  if (
    process.platform === 'linux' &&
    display !== undefined &&
    !(await isDisplayReachable(display))
  ) {
    return fail(
      hotkeyErrorInfo('HOTKEY_DISPLAY_UNREACHABLE', `DISPLAY=${display}`),
      EXIT_HOOK_FAILED,
    );
  }

  // Loaded only now: the checks above keep uIOhook.start() away from a missing display.
  const { uIOhook } = await import('uiohook-napi');
  const { uiohookKeycode } = await import('./keycodes.js');
  const tracker = new ComboTracker(hotkey, uiohookKeycode(hotkey.key));

  const onKey =
    (kind: KeyEvent['kind']) =>
    (e: UiohookKeyboardEvent): void => {
      const t = tracker.feed({
        kind,
        keycode: e.keycode,
        ctrl: e.ctrlKey,
        alt: e.altKey,
        shift: e.shiftKey,
        meta: e.metaKey,
      });
      if (t !== null) send(t);
    };
  uIOhook.on('keydown', onKey('keydown'));
  uIOhook.on('keyup', onKey('keyup'));

  try {
    uIOhook.start();
  } catch (e) {
    return fail(
      hotkeyErrorInfo('HOTKEY_HOOK_FAILED', e instanceof Error ? e.message : ''),
      EXIT_HOOK_FAILED,
    );
  }

  const stop = (): void => {
    uIOhook.stop();
    process.exit(0);
  };
  process.stdin.on('end', stop); // the parent closed our stdin or died
  process.stdin.on('error', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.on('error', stop); // EPIPE: nobody listens any more

  send({ type: 'ready', hotkey: formatHotkey(hotkey) });
}

main().catch((e: unknown) => {
  fail(
    hotkeyErrorInfo('HOTKEY_HOOK_FAILED', e instanceof Error ? e.message : ''),
    EXIT_HOOK_FAILED,
  );
});
