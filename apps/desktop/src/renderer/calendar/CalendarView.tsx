import { DateTime } from 'luxon';
import { useEffect, useState, type SyntheticEvent } from 'react';
import type {
  CalendarEventDto,
  CalendarStatusDto,
  ConfirmOutput,
  EventsOutput,
  PrepareInput,
  PrepareOutput,
} from '../../shared/calendar.js';
import type { RpcClient } from '../../shared/client.js';
import type { ErrorInfo } from '../../shared/errors.js';
import { Problem } from '../Problem.js';
import { ConfirmCard } from './ConfirmCard.js';
import { EventRow } from './EventRow.js';
import './calendar.css';

type Span = 'day' | 'week';
const CANCEL_WORDS = /^\s*(?:please\s+)?(?:cancel|delete|remove|call\s+off|drop)\b/i;

/** The days shown: one, or Monday to Sunday of the week holding `anchor`. */
export function daysOf(anchor: DateTime, span: Span): DateTime[] {
  if (span === 'day') return [anchor.startOf('day')];
  const monday = anchor.startOf('week');
  return Array.from({ length: 7 }, (_, i) => monday.plus({ days: i }));
}

const dayOf = (e: CalendarEventDto, zone: string) =>
  DateTime.fromISO(e.start, { zone }).toISODate() ?? '';

/**
 * The Calendar view: the person's Nextcloud calendar (through the engine and the sync server) by
 * day or week with today's agenda; an event is changed or cancelled from its row, or by typing
 * "move my 3 pm to Friday"; every change shows a confirmation card first. Changes made while
 * Nextcloud is unreachable wait on this workstation and are listed until written.
 */
export function CalendarView({
  client,
  status,
}: {
  client: RpcClient | undefined;
  status: CalendarStatusDto;
}) {
  const zone = status.zone;
  const [span, setSpan] = useState<Span>('week');
  const [anchor, setAnchor] = useState(() => DateTime.now().setZone(zone));
  const [data, setData] = useState<EventsOutput>();
  const [today, setToday] = useState<readonly CalendarEventDto[]>([]);
  const [error, setError] = useState<ErrorInfo>();
  const [text, setText] = useState('');
  const [prepared, setPrepared] = useState<PrepareOutput>();
  const [cancelIntent, setCancelIntent] = useState(false);
  const [outcome, setOutcome] = useState<ConfirmOutput>();
  const [busy, setBusy] = useState(false);

  const days = daysOf(anchor, span);
  const first = days[0] ?? anchor;
  const last = days[days.length - 1] ?? anchor;

  const fromIso = first.startOf('day').toISO() ?? '';
  const toIso = last.plus({ days: 1 }).startOf('day').toISO() ?? '';
  const [tick, setTick] = useState(0);
  const load = (): void => setTick((t) => t + 1);

  useEffect(() => {
    if (!client) return;
    let live = true;
    void client.call('calendar.events', { from: fromIso, to: toIso }).then((r) => {
      if (!live) return;
      if (!r.ok) {
        setError(r.error);
        return;
      }
      const e = r.value.error;
      setError(e ? { code: e.code, message: e.message } : undefined);
      setData(r.value);
    });
    const now = DateTime.now().setZone(zone);
    void client
      .call('calendar.events', {
        from: now.startOf('day').toISO() ?? '',
        to: now.plus({ days: 1 }).startOf('day').toISO() ?? '',
      })
      .then((t) => {
        if (live && t.ok) setToday(t.value.events);
      });
    return () => {
      live = false;
    };
  }, [client, zone, fromIso, toIso, tick]);

  const prepare = async (input: PrepareInput): Promise<void> => {
    if (!client) return;
    setBusy(true);
    setOutcome(undefined);
    const r = await client.call('calendar.prepare', input);
    setBusy(false);
    if (r.ok) {
      setPrepared(r.value);
      setError(undefined);
    } else setError(r.error);
  };

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    if (!text.trim()) return;
    setCancelIntent(CANCEL_WORDS.test(text));
    void prepare({ text: text.trim() });
  };

  const answer = async (id: string, confirm: boolean): Promise<void> => {
    if (!client) return;
    setBusy(true);
    const r = await client.call('calendar.confirm', { id, confirm });
    setBusy(false);
    setPrepared(undefined);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    setOutcome(r.value);
    if (r.value.status !== 'discarded') setText('');
    load();
  };

  const selector = (e: CalendarEventDto) => ({
    calendar: e.calendar,
    name: e.name,
    uid: e.uid,
    recurrenceId: e.recurrenceId,
    etag: e.etag,
  });

  const step = (n: number) => setAnchor((a) => a.plus(span === 'day' ? { days: n } : { weeks: n }));
  const label =
    span === 'day'
      ? first.toFormat('cccc d LLLL yyyy')
      : `${first.toFormat('d LLL')} – ${last.toFormat('d LLL yyyy')}`;

  const renderEvent = (e: CalendarEventDto) => (
    <EventRow
      key={`${e.calendar}/${e.name}/${e.recurrenceId ?? ''}`}
      event={e}
      zone={zone}
      disabled={busy}
      onMove={(start, end, allDay) => void prepare({ move: selector(e), start, end, allDay })}
      onCancel={() => void prepare({ cancel: selector(e) })}
    />
  );

  return (
    <div className="cal">
      <section className="card cal-ask" aria-labelledby="cal-ask-title">
        <h2 id="cal-ask-title" className="kb-card__title">
          Add, move or cancel
        </h2>
        <form className="kb-form" onSubmit={submit}>
          <div className="kb-form__row">
            <label htmlFor="cal-text" className="visually-hidden">
              What to change
            </label>
            <input
              id="cal-text"
              className="input"
              value={text}
              placeholder='e.g. "move my 3 pm to Friday" or "add a meeting tomorrow at 2 pm"'
              onChange={(e) => setText(e.target.value)}
            />
            <button type="submit" className="button button--primary" disabled={busy || !client}>
              Prepare
            </button>
          </div>
        </form>
        {prepared && (
          <ConfirmCard
            prepared={prepared}
            zone={zone}
            busy={busy}
            onAnswer={(id, yes) => void answer(id, yes)}
            onChoose={(e) => {
              setPrepared(undefined);
              if (cancelIntent) void prepare({ cancel: selector(e) });
              else setAnchor(DateTime.fromISO(e.start, { zone }));
            }}
            onClose={() => setPrepared(undefined)}
          />
        )}
        {outcome && (
          <p
            className={`cal-outcome cal-outcome--${outcome.status}`}
            role="status"
            data-testid="calendar-outcome"
          >
            {outcome.message}
          </p>
        )}
      </section>

      <Problem error={error} testId="calendar-problem" />

      {data && data.queued.length > 0 && (
        <section className="card" aria-labelledby="cal-queue-title" data-testid="calendar-queue">
          <h2 id="cal-queue-title" className="kb-card__title">
            Waiting for Nextcloud
          </h2>
          <ul className="cal-list">
            {data.queued.map((q) => (
              <li key={q.id} className={`cal-queued cal-queued--${q.state}`}>
                <span>
                  {q.kind === 'add' ? 'Add' : q.kind === 'move' ? 'Move' : 'Cancel'} “{q.summary}”
                  {q.state === 'pending'
                    ? ' — will be written when Nextcloud is reachable'
                    : q.state === 'conflict'
                      ? ' — the event changed in Nextcloud meanwhile; look at it again'
                      : ' — Nextcloud refused it'}
                </span>
                {q.state !== 'pending' && (
                  <button
                    type="button"
                    className="button button--small"
                    onClick={() => void prepare({ queued: q.id })}
                  >
                    Look again
                  </button>
                )}
                <button
                  type="button"
                  className="button button--small button--quiet"
                  onClick={() =>
                    void client?.call('calendar.discardQueued', { id: q.id }).then(load)
                  }
                >
                  Drop
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}

      <div className="cal-body">
        <section className="card cal-range" aria-labelledby="cal-range-title">
          <div className="cal-toolbar">
            <h2 id="cal-range-title" className="kb-card__title">
              {label}
            </h2>
            <div className="cal-toolbar__buttons" role="group" aria-label="Shown days">
              <button type="button" className="button button--small" onClick={() => step(-1)}>
                Previous
              </button>
              <button
                type="button"
                className="button button--small"
                onClick={() => setAnchor(DateTime.now().setZone(zone))}
              >
                Today
              </button>
              <button type="button" className="button button--small" onClick={() => step(1)}>
                Next
              </button>
              <button
                type="button"
                className="button button--small"
                aria-pressed={span === 'day'}
                onClick={() => setSpan('day')}
              >
                Day
              </button>
              <button
                type="button"
                className="button button--small"
                aria-pressed={span === 'week'}
                onClick={() => setSpan('week')}
              >
                Week
              </button>
            </div>
          </div>
          <div className={`cal-days cal-days--${span}`}>
            {days.map((d) => {
              const iso = d.toISODate() ?? '';
              const events = (data?.events ?? []).filter((e) => dayOf(e, zone) === iso);
              return (
                <section key={iso} className="cal-day" aria-label={d.toFormat('cccc d LLLL')}>
                  <h3 className="cal-day__title">{d.toFormat('ccc d')}</h3>
                  {events.length === 0 ? (
                    <p className="cal-empty">Nothing</p>
                  ) : (
                    <ul className="cal-list">{events.map(renderEvent)}</ul>
                  )}
                </section>
              );
            })}
          </div>
        </section>

        <section className="card cal-today" aria-labelledby="cal-today-title">
          <h2 id="cal-today-title" className="kb-card__title">
            Today
          </h2>
          {today.length === 0 ? (
            <p className="cal-empty">Nothing on your calendar today.</p>
          ) : (
            <ol className="cal-agenda" data-testid="calendar-agenda">
              {today.map((e) => (
                <li key={`${e.calendar}/${e.name}/${e.recurrenceId ?? ''}`}>
                  <span className="cal-time">
                    {e.allDay ? 'All day' : DateTime.fromISO(e.start, { zone }).toFormat('HH:mm')}
                  </span>{' '}
                  {e.summary}
                </li>
              ))}
            </ol>
          )}
        </section>
      </div>
    </div>
  );
}
