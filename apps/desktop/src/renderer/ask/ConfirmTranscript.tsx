import { useEffect, useRef, useState } from 'react';
import type { RpcClient } from '../../shared/client.js';
import type { ConfirmTranscriptEvent } from '../../shared/speech.js';

/**
 * A transcript the recogniser is not sure enough of, held by the engine until the clinician
 * confirms it (Enter) or corrects it by typing — nothing is answered before. Escape drops the
 * turn. Shown only for the turn this window started.
 */
export function ConfirmTranscript({
  client,
  turnId,
}: {
  client: RpcClient;
  turnId: string | null;
}) {
  const [pending, setPending] = useState<ConfirmTranscriptEvent | null>(null);
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const offs = [
      client.on('voice.confirm', (e) => {
        if (e.turnId !== turnId) return;
        setPending(e);
        setText(e.text);
        setProblem(null);
      }),
      client.on('voice.turnDone', (e) => {
        if (e.turn.id === turnId) setPending(null);
      }),
      client.on('voice.stopPlayback', (e) => {
        if (e.turnId === turnId) setPending(null);
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [client, turnId]);

  useEffect(() => {
    if (pending) input.current?.focus();
  }, [pending]);

  if (!pending) return null;
  if (pending.turnId !== turnId) return null; // a turn this window did not start

  const submit = (e: { preventDefault(): void }): void => {
    e.preventDefault();
    const clean = text.trim();
    if (!clean) return;
    void client.call('voice.confirm', { turnId: pending.turnId, text: clean }).then((r) => {
      if (r.ok && r.value.accepted) setPending(null);
      else
        setProblem(
          r.ok
            ? 'This question is no longer waiting (it was stopped); hold to talk again or type it.'
            : r.error.message,
        );
    });
  };
  const onKeyDown = (e: { key: string; preventDefault(): void }): void => {
    if (e.key !== 'Escape') return;
    e.preventDefault();
    setPending(null);
    void client.call('voice.cancel', { turnId: pending.turnId, reason: 'user' });
  };
  const basic = pending.accuracy === 'basic';
  return (
    <form
      className="confirm"
      data-testid="confirm-transcript"
      data-recogniser={pending.recogniser}
      aria-label="Confirm what was heard"
      onSubmit={submit}
    >
      <label htmlFor="confirm-text" className="ask__label">
        {basic
          ? 'Heard (basic accuracy): press Enter to ask this, or correct it first'
          : 'Heard (not sure): press Enter to ask this, or correct it first'}
      </label>
      <div className="ask__row">
        <input
          id="confirm-text"
          ref={input}
          className="ask__input"
          type="text"
          autoComplete="off"
          maxLength={4000}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
          data-testid="confirm-text"
        />
        <button type="submit" className="button button--primary" disabled={!text.trim()}>
          Ask this
        </button>
      </div>
      <p className="talk__hint">Escape drops it.</p>
      {problem && (
        <p className="notice notice--bad" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
