import { useEffect } from 'react';
import type { TurnController } from './turn-controller.js';

/** Elements where Space keeps its own meaning (typing, activating a control). */
const SPACE_OWNERS =
  'input, textarea, select, [contenteditable=""], [contenteditable="true"], button, a[href], summary, [role="button"], [role="link"], [role="checkbox"], [role="switch"], [role="option"], [role="tab"]';

/** The Settings field that records a new push-to-talk key: pressing keys there only records. */
function isKeyRecorder(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest('[data-key-recorder]') !== null;
}

/** True when a Space press on `target` should talk rather than type or activate something. */
export function spaceTalks(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return true;
  if (target.closest('[data-ptt-target]')) return true; // the Hold-to-talk button itself
  return target.closest(SPACE_OWNERS) === null;
}

/**
 * Holding the push-to-talk key (Settings; Space by default, outside text fields and other controls) is push-to-talk anywhere in the window;
 * `onTalk` runs at each press (the shell shows the conversation). Auto-repeat keydowns are
 * ignored; leaving the window while holding ends the turn, so a key-up the window never sees
 * cannot leave the microphone streaming.
 */
export function usePushToTalkKey(
  controller: TurnController | undefined,
  onTalk?: () => void,
  keyCode = 'Space',
): void {
  useEffect(() => {
    if (!controller) return;
    // A key that types (Space, letters, digits) keeps typing in text fields and pressing buttons;
    // a function key talks from anywhere except the field that records a new key.
    const types = keyCode === 'Space' || /^(Key|Digit)/.test(keyCode);
    const down = (e: KeyboardEvent): void => {
      if (e.code !== keyCode || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
      if (types ? !spaceTalks(e.target) : isKeyRecorder(e.target)) return;
      e.preventDefault(); // no page scroll, no button click
      if (e.repeat) return;
      controller.press('space');
      onTalk?.();
    };
    const up = (e: KeyboardEvent): void => {
      if (e.code !== keyCode) return;
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
  }, [controller, onTalk, keyCode]);
}
