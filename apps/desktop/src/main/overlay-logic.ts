import type { OverlayState, VoiceReport } from '../shared/bridge.js';

/**
 * The always-on-top overlay, as pure logic: what it shows, whether it is visible, where it goes.
 * Visible while a turn is active (any phase but idle), hidden otherwise. While visible it follows
 * the turn; it is placed once per turn, on the display with the cursor.
 */
/** Where the overlay page is served (app://workstation/overlay/index.html; Vite input). */
export const OVERLAY_PATH = '/overlay/index.html';

export const OVERLAY_SIZE = { width: 280, height: 64 } as const;
/** Gap between the overlay and the bottom of the display's work area (taskbar excluded). */
export const OVERLAY_MARGIN = 48;

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Bottom-centre of `workArea`, clamped inside it (tiny displays), integer pixels. */
export function overlayBounds(
  workArea: Rect,
  size: { width: number; height: number } = OVERLAY_SIZE,
  margin = OVERLAY_MARGIN,
): Rect {
  const width = Math.min(size.width, workArea.width);
  const height = Math.min(size.height, workArea.height);
  const x = workArea.x + Math.round((workArea.width - width) / 2);
  const bottom = workArea.y + workArea.height - margin - height;
  const y = Math.max(workArea.y, Math.min(bottom, workArea.y + workArea.height - height));
  return { x, y, width, height };
}

/** What main does to the overlay window; implemented over a BrowserWindow in overlay-window.ts. */
export interface OverlaySurface {
  /** Place on the display with the cursor and show without taking focus. */
  showAtCursorDisplay(): void;
  hide(): void;
  send(state: OverlayState): void;
}

export class OverlayController {
  #visible = false;
  #last: OverlayState = { phase: 'idle', level: null };

  constructor(private readonly surface: OverlaySurface) {}

  get visible(): boolean {
    return this.#visible;
  }

  get state(): OverlayState {
    return this.#last;
  }

  /** Applies one (validated) report from the main window. */
  update(report: VoiceReport): void {
    const next: OverlayState = {
      phase: report.phase,
      level: report.phase === 'listening' || report.phase === 'starting' ? report.level : null,
    };
    const changed = next.phase !== this.#last.phase || next.level !== this.#last.level;
    this.#last = next;
    if (next.phase === 'idle') {
      if (this.#visible) {
        this.#visible = false;
        this.surface.send(next);
        this.surface.hide();
      }
      return;
    }
    if (changed || !this.#visible) this.surface.send(next);
    if (!this.#visible) {
      this.#visible = true;
      this.surface.showAtCursorDisplay();
    }
  }

  /** The main window went away or reloaded: no turn can be active. */
  reset(): void {
    this.update({ phase: 'idle', level: null, held: false });
  }
}
