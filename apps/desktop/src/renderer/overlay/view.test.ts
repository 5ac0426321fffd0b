import { describe, expect, it } from 'vitest';
import { levelFraction, overlayView } from './view.js';

describe('overlay view', () => {
  it('labels each phase and shows the meter only while listening', () => {
    expect(overlayView({ phase: 'listening', level: -30 })).toEqual({
      phase: 'listening',
      label: 'Listening…',
      meter: 0.5,
    });
    expect(overlayView({ phase: 'starting', level: null }).meter).toBe(0);
    expect(overlayView({ phase: 'thinking', level: -30 })).toEqual({
      phase: 'thinking',
      label: 'Thinking…',
      meter: null,
    });
    expect(overlayView({ phase: 'speaking', level: null }).label).toBe('Speaking…');
    expect(overlayView({ phase: 'idle', level: null }).label).toBe('');
  });

  it('maps dBFS to 0…1, clamped', () => {
    expect(levelFraction(0)).toBe(1);
    expect(levelFraction(-60)).toBe(0);
    expect(levelFraction(-90)).toBe(0);
    expect(levelFraction(3)).toBe(1);
    expect(levelFraction(null)).toBeNull();
  });
});
