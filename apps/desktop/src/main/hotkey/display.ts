import net from 'node:net';
import { hotkeyErrorInfo, type HotkeyErrorInfo } from './errors.js';
import type { Platform } from './hotkey.js';

/**
 * Whether a global keyboard hook can run here. uiohook-napi reads keys through X11 (XRecord) on
 * Linux: without a display `uIOhook.start()` aborts the process, with an unreachable one it blocks
 * forever, and under Wayland it only sees keys sent to X11 windows. So the decision is made from
 * the environment before anything native is loaded, and the helper checks the socket again.
 */
export type HookSupport =
  Readonly<{ kind: 'hook' }> | Readonly<{ kind: 'fallback'; error: HotkeyErrorInfo }>;

export type Env = Readonly<Record<string, string | undefined>>;

const nonEmpty = (v: string | undefined): v is string => v !== undefined && v.trim() !== '';

export function detectHookSupport(env: Env, platform: Platform): HookSupport {
  switch (platform) {
    case 'win32':
    case 'darwin':
      return { kind: 'hook' };
    default: {
      // A Wayland session: with XWayland (DISPLAY set too) the hook would still miss every key
      // sent to a native Wayland window, which is worse than an honest press-to-start.
      const wayland = nonEmpty(env.WAYLAND_DISPLAY) || env.XDG_SESSION_TYPE === 'wayland';
      if (wayland) return { kind: 'fallback', error: hotkeyErrorInfo('HOTKEY_X11_REQUIRED') };
      if (!nonEmpty(env.DISPLAY)) {
        return { kind: 'fallback', error: hotkeyErrorInfo('HOTKEY_NO_DISPLAY') };
      }
      return { kind: 'hook' };
    }
  }
}

export type DisplayAddress =
  | Readonly<{ kind: 'local'; number: number }>
  | Readonly<{ kind: 'tcp'; host: string; port: number }>;

/** Parses an X11 DISPLAY value: ":1", ":1.0", "unix:1", "localhost:10.0". */
export function parseDisplay(display: string): DisplayAddress | undefined {
  const m = /^([^:]*):(\d+)(?:\.\d+)?$/.exec(display.trim());
  if (m === null) return undefined;
  const host = m[1] ?? '';
  const number = Number(m[2]);
  if (host === '' || host === 'unix') return { kind: 'local', number };
  return { kind: 'tcp', host, port: 6000 + number };
}

function canConnect(options: net.NetConnectOpts, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(options);
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * True when an X server accepts connections at `display`. Only the socket is checked (not
 * authentication), which covers the common broken case of DISPLAY naming a server that is gone.
 */
export async function isDisplayReachable(display: string, timeoutMs = 1000): Promise<boolean> {
  const address = parseDisplay(display);
  if (address === undefined) return false;
  switch (address.kind) {
    case 'tcp':
      return canConnect({ host: address.host, port: address.port }, timeoutMs);
    case 'local': {
      const path = `/tmp/.X11-unix/X${address.number}`;
      if (await canConnect({ path }, timeoutMs)) return true;
      return canConnect({ path: `\0${path}` }, timeoutMs); // Linux abstract socket
    }
  }
}
