import { detectHookSupport, type Env } from './display.js';
import { hotkeyErrorInfo, HotkeyError, type HotkeyErrorInfo } from './errors.js';
import { HookClient, type HelperCommand, type HookExit, type SpawnFn } from './hook-client.js';
import { formatHotkey, parseHotkey, type Hotkey, type Platform } from './hotkey.js';
import type { HookMessage } from './protocol.js';
import { ToggleShortcut, type GlobalShortcutLike } from './toggle-shortcut.js';

/**
 * Push-to-talk for the main process. Where a display exists the hook helper gives real
 * hold-to-talk (key-down starts, key-up ends); elsewhere, or when the helper keeps failing, the
 * hotkey falls back to `globalShortcut` press-to-start / press-to-stop. Either way listeners see
 * `pressed` and `released` with a monotonic timestamp (performance.now() of this process).
 */
export type ControllerState = 'idle' | 'starting' | 'hook' | 'restarting' | 'fallback' | 'stopped';

/** How the hotkey behaves right now: 'hold' (hook) or 'toggle' (globalShortcut fallback). */
export type HotkeyMode = 'hold' | 'toggle' | 'none';

export type ReleaseCause = 'key' | 'modifier' | 'toggle' | 'helper-exit' | 'stopped';

export type HotkeyEvents = {
  pressed: Readonly<{ at: number }>;
  released: Readonly<{ at: number; cause: ReleaseCause }>;
  state: Readonly<{ state: ControllerState; mode: HotkeyMode; error?: HotkeyErrorInfo }>;
};

export type RestartPolicy = Readonly<{
  initialDelayMs: number;
  maxDelayMs: number;
  /** Consecutive failed starts before giving up on the hook and using the fallback. */
  maxAttempts: number;
  /** A helper that stays up this long resets the attempt count. */
  stableAfterMs: number;
}>;

export const DEFAULT_RESTART: RestartPolicy = {
  initialDelayMs: 250,
  maxDelayMs: 8000,
  maxAttempts: 5,
  stableAfterMs: 60_000,
};
export const DEFAULT_READY_TIMEOUT_MS = 10_000;

/** Helper exit code for configuration the parent must change (hook-process.ts): no restart. */
const EXIT_CONFIG = 2;

export type HotkeyControllerOptions = Readonly<{
  hotkey: string;
  helper: HelperCommand;
  env?: Env;
  platform?: Platform;
  /** Electron's `globalShortcut`; without it the fallback is only reported in `state`. */
  globalShortcut?: GlobalShortcutLike;
  spawn?: SpawnFn;
  now?: () => number;
  restart?: Partial<RestartPolicy>;
  readyTimeoutMs?: number;
}>;

type Listener<K extends keyof HotkeyEvents> = (event: HotkeyEvents[K]) => void;

export class HotkeyController {
  #state: ControllerState = 'idle';
  #error: HotkeyErrorInfo | undefined;
  #pressed = false;
  #client: HookClient | undefined;
  #lastHelperError: HotkeyErrorInfo | undefined;
  #attempts = 0;
  #timer: NodeJS.Timeout | undefined;
  #stableTimer: NodeJS.Timeout | undefined;
  #toggle: ToggleShortcut | undefined;
  readonly #hotkey: Hotkey;
  readonly #opts: HotkeyControllerOptions;
  readonly #restart: RestartPolicy;
  readonly #now: () => number;
  readonly #listeners: { [K in keyof HotkeyEvents]: Set<Listener<K>> } = {
    pressed: new Set(),
    released: new Set(),
    state: new Set(),
  };

  /** Throws HOTKEY_INVALID for a hotkey string that does not parse. */
  constructor(options: HotkeyControllerOptions) {
    this.#opts = options;
    this.#hotkey = parseHotkey(options.hotkey, options.platform ?? process.platform);
    this.#restart = { ...DEFAULT_RESTART, ...options.restart };
    this.#now = options.now ?? (() => performance.now());
  }

  get state(): ControllerState {
    return this.#state;
  }

  get mode(): HotkeyMode {
    switch (this.#state) {
      case 'hook':
        return 'hold';
      case 'fallback':
        return this.#toggle === undefined ? 'none' : 'toggle';
      case 'idle':
      case 'starting':
      case 'restarting':
      case 'stopped':
        return 'none';
    }
  }

  get error(): HotkeyErrorInfo | undefined {
    return this.#error;
  }

  get accelerator(): string {
    return formatHotkey(this.#hotkey);
  }

  /** The running helper's pid (for diagnostics and tests). */
  get helperPid(): number | undefined {
    return this.#client?.exited === false ? this.#client.pid : undefined;
  }

  on<K extends keyof HotkeyEvents>(event: K, listener: Listener<K>): () => void {
    this.#listeners[event].add(listener);
    return () => this.#listeners[event].delete(listener);
  }

  start(): void {
    if (this.#state !== 'idle') return; // started once; a new hotkey means a new controller
    const support = detectHookSupport(
      this.#opts.env ?? process.env,
      this.#opts.platform ?? process.platform,
    );
    switch (support.kind) {
      case 'hook':
        this.#spawn();
        return;
      case 'fallback':
        this.#enterFallback(support.error);
        return;
    }
  }

  /** The turn ended elsewhere (window Space key, UI): keeps the toggle fallback in step. */
  markReleased(): void {
    this.#pressed = false;
    this.#toggle?.markStopped();
  }

  async stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#setState('stopped', undefined);
    clearTimeout(this.#timer);
    clearTimeout(this.#stableTimer);
    this.#toggle?.unregister();
    this.#toggle = undefined;
    this.#release('stopped');
    await this.#client?.stop();
    this.#client = undefined;
  }

  #emit<K extends keyof HotkeyEvents>(event: K, payload: HotkeyEvents[K]): void {
    for (const listener of this.#listeners[event]) listener(payload);
  }

  #setState(state: ControllerState, error: HotkeyErrorInfo | undefined): void {
    this.#state = state;
    this.#error = error;
    this.#emit(
      'state',
      error === undefined ? { state, mode: this.mode } : { state, mode: this.mode, error },
    );
  }

  #press(): void {
    if (this.#pressed) return;
    this.#pressed = true;
    this.#emit('pressed', { at: this.#now() });
  }

  #release(cause: ReleaseCause): void {
    if (!this.#pressed) return;
    this.#pressed = false;
    this.#emit('released', { at: this.#now(), cause });
  }

  #spawn(): void {
    this.#lastHelperError = undefined;
    if (this.#attempts === 0) this.#setState('starting', undefined); // else already 'restarting'
    const client: HookClient = new HookClient(
      this.#opts.helper,
      this.accelerator,
      this.#opts.env ?? process.env,
      {
        onMessage: (m) => this.#onMessage(client, m),
        onInvalidLine: () => (this.#lastHelperError = hotkeyErrorInfo('HOTKEY_PROTOCOL')),
        onExit: (exit) => this.#onExit(client, exit),
      },
      this.#opts.spawn,
    );
    this.#client = client;
    this.#timer = setTimeout(() => {
      this.#lastHelperError = hotkeyErrorInfo('HOTKEY_READY_TIMEOUT');
      client.kill(); // blocked in XOpenDisplay or similar; its exit drives the restart
    }, this.#opts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
  }

  #onMessage(client: HookClient, message: HookMessage): void {
    if (client !== this.#client || this.#state === 'stopped') return; // a stale helper
    switch (message.type) {
      case 'ready':
        clearTimeout(this.#timer);
        this.#stableTimer = setTimeout(() => (this.#attempts = 0), this.#restart.stableAfterMs);
        this.#setState('hook', undefined);
        return;
      case 'down':
        this.#press();
        return;
      case 'up':
        this.#release(message.cause);
        return;
      case 'error':
        this.#lastHelperError = { code: message.code, message: message.message };
        return;
    }
  }

  #onExit(client: HookClient, exit: HookExit): void {
    if (client !== this.#client) return;
    this.#client = undefined;
    clearTimeout(this.#timer);
    clearTimeout(this.#stableTimer);
    if (this.#state === 'stopped') return; // we stopped it
    this.#release('helper-exit'); // a turn must not outlive the process that would end it
    const error = this.#lastHelperError ?? hotkeyErrorInfo('HOTKEY_HOOK_CRASHED', exitDetail(exit));
    if (exit.code === EXIT_CONFIG) {
      this.#enterFallback(error);
      return;
    }
    this.#attempts += 1;
    if (this.#attempts > this.#restart.maxAttempts) {
      this.#enterFallback(
        hotkeyErrorInfo('HOTKEY_HOOK_UNAVAILABLE', `Last error: ${error.message}`),
      );
      return;
    }
    const delay = Math.min(
      this.#restart.initialDelayMs * 2 ** (this.#attempts - 1),
      this.#restart.maxDelayMs,
    );
    this.#setState('restarting', error);
    this.#timer = setTimeout(() => this.#spawn(), delay);
  }

  #enterFallback(error: HotkeyErrorInfo): void {
    const shortcut = this.#opts.globalShortcut;
    if (shortcut !== undefined) {
      const toggle = new ToggleShortcut(
        shortcut,
        this.accelerator,
        { onStart: () => this.#press(), onStop: () => this.#release('toggle') },
        this.#now,
      );
      try {
        toggle.register();
        this.#toggle = toggle;
      } catch (e) {
        if (!(e instanceof HotkeyError)) throw e;
        this.#setState('fallback', e.toInfo());
        return;
      }
    }
    this.#setState('fallback', error);
  }
}

function exitDetail(exit: HookExit): string {
  const how = exit.signal === null ? `exit code ${String(exit.code)}` : `signal ${exit.signal}`;
  const last = exit.stderr.trim().split('\n').slice(-2).join(' | ');
  return last === '' ? `(${how})` : `(${how}: ${last})`;
}
