import { describe, expect, it } from 'vitest';
import type { OverlayState } from '../shared/bridge.js';
import {
  OVERLAY_MARGIN,
  OVERLAY_SIZE,
  OverlayController,
  overlayBounds,
  type OverlaySurface,
} from './overlay-logic.js';

describe('overlayBounds', () => {
  it('puts the overlay at the bottom centre of the work area', () => {
    const b = overlayBounds({ x: 0, y: 0, width: 1920, height: 1040 });
    expect(b).toEqual({
      x: (1920 - OVERLAY_SIZE.width) / 2,
      y: 1040 - OVERLAY_MARGIN - OVERLAY_SIZE.height,
      ...OVERLAY_SIZE,
    });
  });

  it('works on a second display left of / above the primary (negative origin) and odd sizes', () => {
    const b = overlayBounds({ x: -1280, y: -200, width: 1281, height: 1024 });
    expect(b.x).toBe(-1280 + Math.round((1281 - OVERLAY_SIZE.width) / 2));
    expect(b.y).toBe(-200 + 1024 - OVERLAY_MARGIN - OVERLAY_SIZE.height);
    expect(Number.isInteger(b.x) && Number.isInteger(b.y)).toBe(true);
  });

  it('stays inside a work area smaller than overlay + margin', () => {
    const area = { x: 10, y: 20, width: 200, height: 80 };
    const b = overlayBounds(area);
    expect(b.width).toBe(200);
    expect(b.x).toBe(10);
    expect(b.y).toBeGreaterThanOrEqual(area.y);
    expect(b.y + b.height).toBeLessThanOrEqual(area.y + area.height);
  });
});

describe('OverlayController', () => {
  const make = () => {
    const calls: string[] = [];
    const states: OverlayState[] = [];
    const surface: OverlaySurface = {
      showAtCursorDisplay: () => calls.push('show'),
      hide: () => calls.push('hide'),
      send: (s) => states.push(s),
    };
    return { calls, states, overlay: new OverlayController(surface) };
  };

  it('sends the state before showing, so it never flashes an old phase', () => {
    const t = make();
    t.overlay.update({ phase: 'listening', level: -12, held: true });
    expect(t.states).toEqual([{ phase: 'listening', level: -12 }]);
    expect(t.calls).toEqual(['show']);
    expect(t.overlay.visible).toBe(true);
  });

  it('shows the level only while listening', () => {
    const t = make();
    t.overlay.update({ phase: 'thinking', level: -12, held: false });
    expect(t.states).toEqual([{ phase: 'thinking', level: null }]);
  });

  it('is placed once per turn (it does not jump when the cursor moves mid-turn)', () => {
    const t = make();
    for (const phase of ['starting', 'listening', 'thinking', 'speaking', 'idle'] as const)
      t.overlay.update({ phase, level: null, held: false });
    t.overlay.update({ phase: 'listening', level: null, held: true });
    expect(t.calls).toEqual(['show', 'hide', 'show']);
  });

  it('reset hides a visible overlay and is a no-op when hidden', () => {
    const t = make();
    t.overlay.reset();
    expect(t.calls).toEqual([]);
    t.overlay.update({ phase: 'speaking', level: null, held: false });
    t.overlay.reset();
    expect(t.calls).toEqual(['show', 'hide']);
    expect(t.overlay.state).toEqual({ phase: 'idle', level: null });
  });
});
