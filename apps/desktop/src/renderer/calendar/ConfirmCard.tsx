import { DateTime } from 'luxon';
import type { CalendarEventDto, PrepareOutput } from '../../shared/calendar.js';

const when = (e: { start: string; allDay: boolean }, zone: string) =>
  DateTime.fromISO(e.start, { zone }).toFormat(e.allDay ? 'cccc d LLLL' : 'cccc d LLLL, HH:mm');

/**
 * What the engine understood, before anything is written: the card's sentence (also what is
 * spoken back), overlaps, and Confirm / Don't change. Several matching events are offered to
 * choose from; an event changed in Nextcloud since it was shown is shown as it is now.
 */
export function ConfirmCard({
  prepared,
  zone,
  busy,
  onAnswer,
  onChoose,
  onClose,
}: {
  prepared: PrepareOutput;
  zone: string;
  busy: boolean;
  onAnswer: (id: string, confirm: boolean) => void;
  onChoose: (e: CalendarEventDto) => void;
  onClose: () => void;
}) {
  if (prepared.status === 'ambiguous') {
    return (
      <div
        className="cal-confirm"
        role="group"
        aria-label="Which event"
        data-testid="calendar-choice"
      >
        <p className="cal-confirm__text">{prepared.question}</p>
        <ul className="cal-list">
          {prepared.candidates.map((c) => (
            <li key={`${c.calendar}/${c.name}/${c.recurrenceId ?? ''}`}>
              <button type="button" className="button button--small" onClick={() => onChoose(c)}>
                {c.summary} — {when(c, zone)}
              </button>
            </li>
          ))}
        </ul>
        <button type="button" className="button button--quiet" onClick={onClose}>
          Never mind
        </button>
      </div>
    );
  }
  if (prepared.status === 'changed') {
    return (
      <div className="cal-confirm cal-confirm--changed" role="alert" data-testid="calendar-changed">
        <p className="cal-confirm__text">{prepared.message}</p>
        {prepared.latest && (
          <p>
            Now: <strong>{prepared.latest.summary}</strong> — {when(prepared.latest, zone)}
          </p>
        )}
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
    );
  }
  const c = prepared.card;
  return (
    <div
      className="cal-confirm"
      role="group"
      aria-label="Confirm the change"
      data-testid="calendar-card"
    >
      <p className="cal-confirm__text">{c.text}</p>
      <p className="cal-confirm__meta">
        {c.calendarName}
        {c.occurrence ? ' · only this occurrence' : ''}
      </p>
      {c.conflicts.length > 0 && (
        <p className="cal-confirm__conflict" role="note">
          Overlaps:{' '}
          {c.conflicts
            .map((x) => `${x.summary} (${when({ ...x, allDay: false }, zone)})`)
            .join(', ')}
        </p>
      )}
      <div className="cal-confirm__buttons">
        <button
          type="button"
          className={`button ${c.kind === 'cancel' ? 'button--danger' : 'button--primary'}`}
          disabled={busy}
          onClick={() => onAnswer(c.id, true)}
        >
          {c.kind === 'add' ? 'Add it' : c.kind === 'move' ? 'Move it' : 'Cancel the event'}
        </button>
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() => onAnswer(c.id, false)}
        >
          Don’t change anything
        </button>
      </div>
    </div>
  );
}
