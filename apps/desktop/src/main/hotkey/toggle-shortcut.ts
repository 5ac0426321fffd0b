import { HotkeyError } from './errors.js';

/**
 * The fallback when no keyboard hook can run: Electron `globalShortcut`, which reports presses
 * only (never releases), so the hotkey toggles: first press starts the turn, the next ends it.
 *
 * `globalShortcut` is taken as a parameter (its shape below) so this module never imports
 * electron. On Windows its callback fires again and again while the keys are held
 * (electron/electron#39718), so repeats are filtered: a callback within REPEAT_WINDOW_MS of the
 * previous one is auto-repeat, and none may toggle within MIN_TOGGLE_GAP_MS of the last toggle
 * (longer than the longest initial auto-repeat delay Windows allows, 1 s).
 */
export interface GlobalShortcutLike {
  register(accelerator: string, callback: () => void): boolean;
  unregister(accelerator: string): void;
}

export const REPEAT_WINDOW_MS = 150;
export const MIN_TOGGLE_GAP_MS = 1100;

export type ToggleState = 'off' | 'waiting' | 'active';

export interface ToggleHandlers {
  readonly onStart: () => void;
  readonly onStop: () => void;
}

export class ToggleShortcut {
  #state: ToggleState = 'off';
  #lastCallbackAt = Number.NEGATIVE_INFINITY;
  #lastToggleAt = Number.NEGATIVE_INFINITY;
  readonly #shortcut: GlobalShortcutLike;
  readonly #accelerator: string;
  readonly #handlers: ToggleHandlers;
  readonly #now: () => number;

  constructor(
    shortcut: GlobalShortcutLike,
    accelerator: string,
    handlers: ToggleHandlers,
    now: () => number = () => performance.now(),
  ) {
    this.#shortcut = shortcut;
    this.#accelerator = accelerator;
    this.#handlers = handlers;
    this.#now = now;
  }

  get state(): ToggleState {
    return this.#state;
  }

  /** Throws HOTKEY_SHORTCUT_TAKEN when another application holds the accelerator. */
  register(): void {
    if (this.#state !== 'off') return; // already registered
    const ok = this.#shortcut.register(this.#accelerator, () => {
      this.#onPress();
    });
    if (!ok) throw new HotkeyError('HOTKEY_SHORTCUT_TAKEN', `(${this.#accelerator})`);
    this.#state = 'waiting';
  }

  /** Unregisters; an active turn is stopped first so nobody waits for a press that never comes. */
  unregister(): void {
    switch (this.#state) {
      case 'off':
        return;
      case 'active':
        this.#state = 'waiting';
        this.#handlers.onStop();
        break;
      case 'waiting':
        break;
    }
    this.#shortcut.unregister(this.#accelerator);
    this.#state = 'off';
  }

  /** The turn ended some other way (e.g. the window's Space key): the next press starts again. */
  markStopped(): void {
    if (this.#state === 'active') this.#state = 'waiting';
  }

  #onPress(): void {
    const now = this.#now();
    const repeat = now - this.#lastCallbackAt < REPEAT_WINDOW_MS;
    this.#lastCallbackAt = now;
    if (repeat || now - this.#lastToggleAt < MIN_TOGGLE_GAP_MS) return; // a held key repeating
    switch (this.#state) {
      case 'off':
        return; // unregistered while the callback was queued
      case 'waiting':
        this.#state = 'active';
        this.#lastToggleAt = now;
        this.#handlers.onStart();
        return;
      case 'active':
        this.#state = 'waiting';
        this.#lastToggleAt = now;
        this.#handlers.onStop();
        return;
    }
  }
}
