import { IPC, type HotkeyStatus, type PushToTalkWire, type VoiceReport } from '../shared/bridge.js';
import type { HotkeyController, HotkeyErrorInfo } from './hotkey/index.js';
import type { OverlayController } from './overlay-logic.js';

/**
 * Between the global hotkey and the main window's renderer, with the overlay alongside. Pure
 * (no Electron): the window is anything with `isDestroyed()`/`send()` — a WebContents in main.ts.
 *
 * - hotkey pressed/released → `IPC.pushToTalk` {type:'down'|'up', wallAt} to the renderer, whose
 *   turn controller treats it like Space held in the window;
 * - hotkey state → `IPC.hotkeyStatus` (accelerator, mode, coded error) to the renderer, and each
 *   a desktop notification (once per code) when the hotkey cannot work at all or the setting is
 *   invalid — the window may be hidden behind the EHR when that matters;
 * - the renderer's (already validated, sender-checked) voice reports → the overlay; a turn that
 *   the renderer ends while the hotkey still counts as pressed (the toggle fallback, a window key)
 *   → `hotkey.markReleased()`, so the next hotkey press starts a turn instead of "stopping" one.
 */
export interface RendererTarget {
  isDestroyed(): boolean;
  send(channel: string, payload: unknown): void;
}

export type HotkeySource = Pick<
  HotkeyController,
  'on' | 'markReleased' | 'accelerator' | 'mode' | 'error'
>;

export interface PushToTalkRelayOptions {
  readonly hotkey: HotkeySource;
  readonly window: RendererTarget;
  readonly overlay: OverlayController;
  /** Shown once per error code (desktop notification in main). */
  readonly notify?: (error: HotkeyErrorInfo) => void;
  /** An error from reading the settings (e.g. an invalid VOICEASSIST_HOTKEY), shown until replaced. */
  readonly settingsError?: HotkeyErrorInfo;
  /** main's performance.timeOrigin: `at` (performance.now()) + this = wall-clock ms. */
  readonly timeOrigin?: number;
}

export class PushToTalkRelay {
  #hotkeyHeld = false;
  #rendererHeld = false;
  #status: HotkeyStatus;
  readonly #notified = new Set<string>();
  readonly #off: (() => void)[] = [];
  readonly #opts: PushToTalkRelayOptions;
  readonly #timeOrigin: number;

  constructor(options: PushToTalkRelayOptions) {
    this.#opts = options;
    this.#timeOrigin = options.timeOrigin ?? performance.timeOrigin;
    const { hotkey } = options;
    this.#status = this.#statusOf(hotkey.mode, hotkey.error);
    this.#off.push(
      hotkey.on('pressed', ({ at }) => {
        this.#hotkeyHeld = true;
        this.#sendPtt({ type: 'down', wallAt: this.#timeOrigin + at });
      }),
      hotkey.on('released', ({ at }) => {
        this.#hotkeyHeld = false;
        this.#sendPtt({ type: 'up', wallAt: this.#timeOrigin + at });
      }),
      hotkey.on('state', ({ state, mode, error }) => {
        this.#status = this.#statusOf(mode, error);
        // A notification only when push-to-talk from other apps does not work at all; a working
        // fallback (press-to-start/stop) and restarts are shown in the window's status only.
        if (state === 'fallback' && mode === 'none' && error) this.#notifyOnce(error);
        this.resendStatus();
      }),
    );
    if (options.settingsError) this.#notifyOnce(options.settingsError);
  }

  get status(): HotkeyStatus {
    return this.#status;
  }

  /** Sends the current status again (the page (re)loaded after it was first sent). */
  resendStatus(): void {
    if (!this.#opts.window.isDestroyed()) this.#opts.window.send(IPC.hotkeyStatus, this.#status);
  }

  /** One voice report from the main window (validated and sender-checked by the caller). */
  onVoiceReport(report: VoiceReport): void {
    const wasHeld = this.#rendererHeld;
    this.#rendererHeld = report.held;
    this.#opts.overlay.update(report);
    if (wasHeld && !report.held && this.#hotkeyHeld) {
      this.#hotkeyHeld = false;
      this.#opts.hotkey.markReleased();
    }
  }

  /** The main window reloaded, crashed or closed: no turn survives that. */
  rendererReset(): void {
    this.#rendererHeld = false;
    this.#opts.overlay.reset();
    if (this.#hotkeyHeld) {
      this.#hotkeyHeld = false;
      this.#opts.hotkey.markReleased();
    }
  }

  dispose(): void {
    for (const off of this.#off.splice(0)) off();
  }

  #sendPtt(wire: PushToTalkWire): void {
    if (!this.#opts.window.isDestroyed()) this.#opts.window.send(IPC.pushToTalk, wire);
  }

  #statusOf(mode: HotkeyStatus['mode'], error: HotkeyErrorInfo | undefined): HotkeyStatus {
    const shown = error ?? this.#opts.settingsError;
    const accelerator = this.#opts.hotkey.accelerator;
    return shown === undefined
      ? { accelerator, mode }
      : { accelerator, mode, error: { code: shown.code, message: shown.message } };
  }

  #notifyOnce(error: HotkeyErrorInfo): void {
    if (this.#notified.has(error.code)) return;
    this.#notified.add(error.code);
    this.#opts.notify?.(error);
  }
}
