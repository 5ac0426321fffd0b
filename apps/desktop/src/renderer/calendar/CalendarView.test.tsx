import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import type { CalendarEventDto, CalendarStatusDto } from '../../shared/calendar.js';
import { RpcClient } from '../../shared/client.js';
import type { CallName } from '../../shared/contract.js';
import { decodeRequest, encodeResponse } from '../../shared/protocol.js';
import { availableViews } from '../views.js';
import { CalendarView, daysOf } from './CalendarView.js';

afterEach(cleanup);
const flush = () => act(async () => new Promise((r) => setTimeout(r, 0)));

const zone = 'Europe/Berlin';
const STATUS: CalendarStatusDto = {
  configured: true,
  state: 'connected',
  login: 'alice',
  webUrl: null,
  zone,
  detail: '',
};
const today = DateTime.now().setZone(zone).startOf('day');
const EVENT: CalendarEventDto = {
  uid: 'u1@test',
  summary: 'Staff meeting',
  start: today.set({ hour: 15 }).toISO({ suppressMilliseconds: true }) ?? '',
  end: today.set({ hour: 16 }).toISO({ suppressMilliseconds: true }) ?? '',
  allDay: false,
  recurrenceId: null,
  calendar: 'personal',
  calendarName: 'Personal',
  readOnly: false,
  name: 'u1.ics',
  etag: '"e1"',
};

/** A stand-in engine on the real wire protocol (the engine side is tested in sidecar/calendar). */
function standInEngine(replies: Partial<Record<CallName, unknown>>) {
  const requests: { method: string; input: Record<string, unknown> }[] = [];
  const client: RpcClient = new RpcClient({
    send(text) {
      const request = decodeRequest(text);
      if (!request.ok) throw new Error(request.error.message);
      requests.push({ method: request.method, input: request.input as Record<string, unknown> });
      const result = { ok: true as const, value: replies[request.method] ?? {} };
      queueMicrotask(() => client.receive(encodeResponse(request.seq, result)));
    },
    close: () => undefined,
  });
  return { client, calls: (m: CallName) => requests.filter((r) => r.method === m) };
}

describe('the Calendar view', () => {
  it('is offered only when Nextcloud is set up for this workstation', () => {
    expect(availableViews(false).map((v) => v.id)).not.toContain('calendar');
    expect(availableViews(true).map((v) => v.id)).toContain('calendar');
  });

  it('a week runs Monday to Sunday; a day is that day', () => {
    const wed = DateTime.fromISO('2026-12-09T10:00:00', { zone });
    expect(daysOf(wed, 'week').map((d) => d.toISODate())).toEqual([
      '2026-12-07',
      '2026-12-08',
      '2026-12-09',
      '2026-12-10',
      '2026-12-11',
      '2026-12-12',
      '2026-12-13',
    ]);
    expect(daysOf(wed, 'day').map((d) => d.toISODate())).toEqual(['2026-12-09']);
  });

  it("shows today's agenda; Cancel prepares a card with the ETag shown, written only on confirm", async () => {
    const engine = standInEngine({
      'calendar.events': { events: [EVENT], queued: [] },
      'calendar.prepare': {
        status: 'ready',
        card: {
          id: 'card-1',
          kind: 'cancel',
          text: 'Cancel "Staff meeting" on today, 3:00 PM?',
          summary: 'Staff meeting',
          start: EVENT.start,
          end: EVENT.end,
          allDay: false,
          calendarName: 'Personal',
          occurrence: false,
          conflicts: [],
        },
      },
      'calendar.confirm': {
        status: 'written',
        message: 'Cancelled "Staff meeting".',
        latest: null,
      },
    });
    render(<CalendarView client={engine.client} status={STATUS} />);
    await flush();
    expect(within(screen.getByTestId('calendar-agenda')).getByText(/Staff meeting/)).toBeTruthy();
    const [row] = screen.getAllByTestId('calendar-event');
    if (!row) throw new Error('no row');
    fireEvent.click(within(row).getByRole('button', { name: 'Cancel Staff meeting' }));
    await flush();
    expect(engine.calls('calendar.prepare')[0]?.input).toEqual({
      cancel: {
        calendar: 'personal',
        name: 'u1.ics',
        uid: 'u1@test',
        recurrenceId: null,
        etag: '"e1"',
      },
    });
    const card = screen.getByTestId('calendar-card');
    expect(card.textContent).toContain('Cancel "Staff meeting"');
    expect(engine.calls('calendar.confirm')).toEqual([]);
    fireEvent.click(within(card).getByRole('button', { name: 'Cancel the event' }));
    await flush();
    expect(engine.calls('calendar.confirm')[0]?.input).toEqual({ id: 'card-1', confirm: true });
    expect(screen.getByTestId('calendar-outcome').textContent).toBe('Cancelled "Staff meeting".');
  });

  it('unreachable: the problem in words and the changes waiting on this workstation', async () => {
    const engine = standInEngine({
      'calendar.events': {
        events: [],
        queued: [
          {
            id: 3,
            kind: 'move',
            summary: 'Case review',
            start: EVENT.start,
            state: 'pending',
            code: null,
            createdAt: '2026-12-09T08:00:00.000Z',
          },
        ],
        error: {
          code: 'NEXTCLOUD_UNREACHABLE',
          message: "Your clinic's Nextcloud could not be reached; try again in a minute.",
        },
      },
    });
    render(<CalendarView client={engine.client} status={STATUS} />);
    await flush();
    expect(screen.getByTestId('calendar-problem').dataset.code).toBe('NEXTCLOUD_UNREACHABLE');
    expect(screen.getByTestId('calendar-queue').textContent).toContain(
      'Move “Case review” — will be written when Nextcloud is reachable',
    );
  });
});
