import { DateTime } from 'luxon';
import { useState, type SyntheticEvent } from 'react';
import type { CalendarEventDto } from '../../shared/calendar.js';

/**
 * One occurrence with Edit (new day and times, the length kept by default) and Cancel; both only
 * prepare a change, which the confirmation card then shows. Read-only calendars offer neither.
 */
export function EventRow({
  event,
  zone,
  disabled,
  onMove,
  onCancel,
}: {
  event: CalendarEventDto;
  zone: string;
  disabled: boolean;
  onMove: (start: string, end: string, allDay: boolean) => void;
  onCancel: () => void;
}) {
  const start = DateTime.fromISO(event.start, { zone });
  const end = DateTime.fromISO(event.end, { zone });
  const [editing, setEditing] = useState(false);
  const [day, setDay] = useState(start.toISODate() ?? '');
  const [from, setFrom] = useState(start.toFormat('HH:mm'));
  const [to, setTo] = useState(end.toFormat('HH:mm'));
  const id = `${event.name}-${event.recurrenceId ?? 'single'}`.replace(/[^A-Za-z0-9_-]/g, '-');

  const submit = (e: SyntheticEvent): void => {
    e.preventDefault();
    if (event.allDay) {
      const s = DateTime.fromISO(day, { zone });
      const days = Math.max(1, Math.round(end.diff(start, 'days').days));
      onMove(s.toISODate() ?? '', s.plus({ days }).toISODate() ?? '', true);
    } else {
      const s = DateTime.fromISO(`${day}T${from}`, { zone });
      let e2 = DateTime.fromISO(`${day}T${to}`, { zone });
      if (e2 <= s) e2 = s.plus(end.diff(start));
      onMove(
        s.toISO({ suppressMilliseconds: true }) ?? '',
        e2.toISO({ suppressMilliseconds: true }) ?? '',
        false,
      );
    }
    setEditing(false);
  };

  return (
    <li className="cal-event" data-testid="calendar-event">
      <span className="cal-time">
        {event.allDay ? 'All day' : `${start.toFormat('HH:mm')}–${end.toFormat('HH:mm')}`}
      </span>
      <span className="cal-event__summary">{event.summary}</span>
      {event.recurrenceId && <span className="cal-event__tag">repeats</span>}
      {event.readOnly ? (
        <span className="cal-event__tag">read-only</span>
      ) : (
        <span className="cal-event__actions">
          <button
            type="button"
            className="button button--small"
            disabled={disabled}
            aria-expanded={editing}
            aria-label={`Edit ${event.summary}`}
            onClick={() => setEditing((x) => !x)}
          >
            Edit
          </button>
          <button
            type="button"
            className="button button--small button--quiet"
            disabled={disabled}
            onClick={onCancel}
            aria-label={`Cancel ${event.summary}`}
          >
            Cancel
          </button>
        </span>
      )}
      {editing && (
        <form className="cal-edit" onSubmit={submit} aria-label={`Edit ${event.summary}`}>
          <label htmlFor={`${id}-day`}>Day</label>
          <input
            id={`${id}-day`}
            className="input"
            type="date"
            value={day}
            onChange={(e) => setDay(e.target.value)}
            required
          />
          {!event.allDay && (
            <>
              <label htmlFor={`${id}-from`}>From</label>
              <input
                id={`${id}-from`}
                className="input"
                type="time"
                value={from}
                onChange={(e) => setFrom(e.target.value)}
                required
              />
              <label htmlFor={`${id}-to`}>To</label>
              <input
                id={`${id}-to`}
                className="input"
                type="time"
                value={to}
                onChange={(e) => setTo(e.target.value)}
                required
              />
            </>
          )}
          <button
            type="submit"
            className="button button--primary button--small"
            disabled={disabled}
          >
            Prepare the change
          </button>
        </form>
      )}
    </li>
  );
}
