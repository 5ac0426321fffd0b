import { useEffect } from 'react';
import type { TurnController } from './turn-controller.js';

/** Elements where Space keeps its own meaning (typing, activating a control). */
const SPACE_OWNERS =
  'input, textarea, select, [contenteditable=""], [contenteditable="true"], button, a[href], summary, [role="button"], [role="link"], [role="checkbox"], [role="switch"], [role="option"], [role="tab"]';

/** True when a Space press on `target` should talk rather than type or activate something. */
export function spaceTalks(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return true;
  if (target.closest('[data-ptt-target]')) return true; // the Hold-to-talk button itself
  return target.closest(SPACE_OWNERS) === null;
}

/**
 * Holding Space (outside text fields and other controls) is push-to-talk anywhere in the window;
 * `onTalk` runs at each press (the shell shows the conversation). Auto-repeat keydowns are
 * ignored; leaving the window while holding ends the turn, so a key-up the window never sees
 * cannot leave the microphone streaming.
 */
export function usePushToTalkKey(
  controller: TurnController | undefined,
  onTalk?: () => void,
): void {
  useEffect(() => {
    if (!controller) return;
    const down = (e: KeyboardEvent): void => {
      if (e.code !== 'Space' || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
      if (!spaceTalks(e.target)) return;
      e.preventDefault(); // no page scroll, no button click
      if (e.repeat) return;
      controller.press('space');
      onTalk?.();
    };
    const up = (e: KeyboardEvent): void => {
      if (e.code !== 'Space') return;
      if (controller.state.heldBy !== 'space') return;
      e.preventDefault();
      controller.release('space');
    };
    const blur = (): void => controller.release('space');
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    window.addEventListener('blur', blur);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
      window.removeEventListener('blur', blur);
      controller.release('space');
    };
  }, [controller, onTalk]);
}
