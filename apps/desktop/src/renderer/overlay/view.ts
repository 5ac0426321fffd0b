import type { OverlayState } from '../../shared/bridge.js';

/** Pure: what the overlay shows for a state (tested in node), applied to the DOM by main.ts. */
export const PHASE_LABELS: Readonly<Record<OverlayState['phase'], string>> = {
  idle: '',
  starting: 'Listening…',
  listening: 'Listening…',
  thinking: 'Thinking…',
  speaking: 'Speaking…',
};

/** Meter range: -60 dBFS (silence for this purpose) … 0 dBFS (full scale). */
export const LEVEL_FLOOR_DB = -60;

/** dBFS → 0…1 for the meter (null: no meter). */
export function levelFraction(db: number | null): number | null {
  if (db === null || !Number.isFinite(db)) return null;
  const f = (db - LEVEL_FLOOR_DB) / -LEVEL_FLOOR_DB;
  return Math.min(1, Math.max(0, f));
}

export interface OverlayView {
  readonly phase: OverlayState['phase'];
  readonly label: string;
  /** Meter fill 0…1, or null when the meter is hidden (not listening). */
  readonly meter: number | null;
}

export function overlayView(state: OverlayState): OverlayView {
  const listening = state.phase === 'listening' || state.phase === 'starting';
  return {
    phase: state.phase,
    label: PHASE_LABELS[state.phase],
    meter: listening ? (levelFraction(state.level) ?? 0) : null,
  };
}
