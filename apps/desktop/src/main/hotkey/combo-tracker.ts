import { MODIFIERS, type Hotkey } from './hotkey.js';

/**
 * Turns the raw key stream of a global hook into one press and one release of the hotkey.
 *
 * - X auto-repeat re-sends keydown for a held key (no repeat flag in uiohook events), so the
 *   tracker remembers whether the main key is physically down and only a fresh keydown can start.
 * - Modifiers must match exactly on the fresh keydown (as `globalShortcut` does), and releasing a
 *   required modifier ends the press even while the main key stays down; the main key must then be
 *   released before it can start again, so repeats under re-pressed modifiers cannot restart it.
 */

export type KeyEvent = Readonly<{
  kind: 'keydown' | 'keyup';
  keycode: number;
  ctrl: boolean;
  alt: boolean;
  shift: boolean;
  meta: boolean;
}>;

export type ReleaseCause = 'key' | 'modifier';

export type ComboTransition =
  Readonly<{ type: 'down' }> | Readonly<{ type: 'up'; cause: ReleaseCause }>;

export type ComboState = 'idle' | 'active';

export class ComboTracker {
  #state: ComboState = 'idle';
  #mainKeyDown = false;
  readonly #hotkey: Hotkey;
  readonly #keycode: number;

  constructor(hotkey: Hotkey, keycode: number) {
    this.#hotkey = hotkey;
    this.#keycode = keycode;
  }

  get state(): ComboState {
    return this.#state;
  }

  /** Feeds one key event; returns the transition it causes, if any. */
  feed(event: KeyEvent): ComboTransition | null {
    switch (event.kind) {
      case 'keydown':
        return this.#keydown(event);
      case 'keyup':
        return this.#keyup(event);
    }
  }

  #keydown(event: KeyEvent): ComboTransition | null {
    if (event.keycode !== this.#keycode) return null; // modifiers are read from the event flags
    const fresh = !this.#mainKeyDown;
    this.#mainKeyDown = true;
    switch (this.#state) {
      case 'idle':
        if (!fresh || !this.#modifiersExact(event)) return null; // auto-repeat or other combo
        this.#state = 'active';
        return { type: 'down' };
      case 'active':
        return null; // auto-repeat of the held key
    }
  }

  #keyup(event: KeyEvent): ComboTransition | null {
    if (event.keycode === this.#keycode) {
      this.#mainKeyDown = false;
      return this.#release('key');
    }
    if (this.#state === 'active' && !this.#requiredModifiersHeld(event)) {
      return this.#release('modifier');
    }
    return null;
  }

  #release(cause: ReleaseCause): ComboTransition | null {
    switch (this.#state) {
      case 'idle':
        return null;
      case 'active':
        this.#state = 'idle';
        return { type: 'up', cause };
    }
  }

  #modifiersExact(event: KeyEvent): boolean {
    return MODIFIERS.every((m) => event[m] === this.#hotkey[m]);
  }

  #requiredModifiersHeld(event: KeyEvent): boolean {
    return MODIFIERS.every((m) => !this.#hotkey[m] || event[m]);
  }
}
