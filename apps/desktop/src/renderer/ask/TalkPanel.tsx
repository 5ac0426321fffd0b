import type { KeyboardEvent, PointerEvent, ReactNode } from 'react';
import type { SpeechCapabilitiesDto } from '../../shared/speech.js';
import type { TurnController, VoicePhase, VoiceSnapshot } from './turn-controller.js';

const PHASE_WORDS: Record<VoicePhase, string> = {
  idle: 'Ready',
  starting: 'Opening the microphone…',
  listening: 'Listening',
  thinking: 'Thinking',
  speaking: 'Speaking',
};

/** Level meter floor: quieter than this shows as empty. */
const FLOOR_DB = -60;

/**
 * The voice state (words and a shape, never colour alone), the input level, and the big
 * Hold-to-talk button: pointer down/up or Enter/Space held on it. Stop silences an answer.
 */
export function TalkPanel({
  controller,
  snapshot,
  keyCode = 'Space',
  children,
  speech = null,
}: {
  controller: TurnController;
  snapshot: VoiceSnapshot;
  /** The push-to-talk key (Settings), as KeyboardEvent.code. */
  keyCode?: string;
  children?: ReactNode;
  /** What Hold to talk will do (speech.capabilities); null while unknown. */
  speech?: SpeechCapabilitiesDto | null;
}) {
  const held = snapshot.heldBy !== null;
  const off = speech !== null && !speech.talk.enabled && !held;
  const onPointerDown = (e: PointerEvent<HTMLButtonElement>): void => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId); // the release is seen even off the button
    controller.press('button');
  };
  const onPointerUp = (): void => controller.release('button');
  const onKeyDown = (e: KeyboardEvent<HTMLButtonElement>): void => {
    if (e.key !== 'Enter') return; // the push-to-talk key is handled window-wide (push-to-talk.ts)
    e.preventDefault();
    if (!e.repeat) controller.press('button');
  };
  const onKeyUp = (e: KeyboardEvent<HTMLButtonElement>): void => {
    if (e.key === 'Enter') controller.release('button');
  };
  const keyLabel = keyCode.replace(/^Key(?=[A-Z]$)/, '').replace(/^Digit(?=\d$)/, '');
  const level = snapshot.level;
  const fill = level === null ? 0 : Math.max(0, Math.min(1, (level - FLOOR_DB) / -FLOOR_DB));
  return (
    <section className="talk" aria-label="Voice">
      <div
        className={`talk__state talk__state--${snapshot.phase}`}
        role="status"
        aria-live="polite"
        data-testid="voice-state"
        data-state={snapshot.phase}
      >
        <span className="talk__icon" aria-hidden="true" />
        <span className="talk__word">{PHASE_WORDS[snapshot.phase]}</span>
      </div>
      <div
        className="meter"
        role="meter"
        aria-label="Microphone level"
        aria-valuemin={FLOOR_DB}
        aria-valuemax={0}
        aria-valuenow={level ?? FLOOR_DB}
        aria-valuetext={level === null ? 'microphone idle' : `${Math.round(level)} dB`}
        data-testid="input-level"
      >
        <span className="meter__fill" style={{ width: `${Math.round(fill * 100)}%` }} />
      </div>
      <div className="talk__buttons">
        <button
          type="button"
          className={held ? 'ptt ptt--held' : 'ptt'}
          data-ptt-target=""
          data-testid="hold-to-talk"
          aria-pressed={held}
          aria-keyshortcuts={keyLabel}
          aria-describedby={speech ? 'ptt-path ptt-hint' : 'ptt-hint'}
          disabled={off}
          onPointerDown={onPointerDown}
          onPointerUp={onPointerUp}
          onPointerCancel={onPointerUp}
          onKeyDown={onKeyDown}
          onKeyUp={onKeyUp}
          onContextMenu={(e) => e.preventDefault()}
        >
          <span className="ptt__mic" aria-hidden="true" />
          {held ? 'Release to send' : 'Hold to talk'}
        </button>
        <button
          type="button"
          className="button"
          data-testid="stop"
          onClick={() => controller.stopAnswer()}
          disabled={!snapshot.playing && snapshot.phase !== 'thinking'}
        >
          Stop
        </button>
      </div>
      {speech && (
        <p
          id="ptt-path"
          className={off ? 'notice notice--warn' : 'talk__hint'}
          data-testid="talk-path"
          data-path={speech.talk.path}
        >
          {speech.talk.sentence}
        </p>
      )}
      <p id="ptt-hint" className="talk__hint">
        Hold <kbd>{keyLabel}</kbd> (outside text fields) or this button while you speak; let go to
        get the answer. Press again to interrupt.
      </p>
      {children}
    </section>
  );
}
