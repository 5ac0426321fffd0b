import { describe, expect, it } from 'vitest';
import { type CodedError } from '../../shared/errors.js';
import { parseCancelRequest, parseMoveRequest } from './parse-change.js';

// Wednesday 2026-12-09 09:00 in Berlin.
const opts = { now: new Date('2026-12-09T08:00:00Z'), zone: 'Europe/Berlin' };

describe('parseMoveRequest', () => {
  it.each([
    ['move my 3 pm to Friday', { words: [], day: null, time: '15:00' }, '2026-12-11', null],
    [
      'Reschedule the staff meeting to tomorrow at 10',
      { words: ['staff'], day: null, time: null },
      '2026-12-10',
      '10:00',
    ],
    ['push my 9:30 to 11', { words: [], day: null, time: '09:30' }, null, '11:00'],
    [
      "move my 3 o'clock tomorrow to 4",
      { words: [], day: '2026-12-10', time: '15:00' },
      null,
      '16:00',
    ],
    [
      'move the meeting to plan rotas to Monday at 2 pm',
      { words: ['plan', 'rotas'], day: null, time: null },
      '2026-12-14',
      '14:00',
    ],
    [
      'could you move the case review with Dr. Smith on Thursday to Friday at 9?',
      { words: ['case', 'review', 'dr', 'smith'], day: '2026-12-10', time: null },
      '2026-12-11',
      '09:00',
    ],
  ])('%s', (text, target, day, time) => {
    expect(parseMoveRequest(text, opts)).toEqual({ target, day, time });
  });

  it('not a move: undefined', () => {
    expect(parseMoveRequest('add a meeting tomorrow at 2 pm', opts)).toBeUndefined();
  });

  it('a move without a new day or time is a coded error', () => {
    expect(() => parseMoveRequest('move the staff meeting to the big room', opts)).toThrow(
      expect.objectContaining({ code: 'CALENDAR_NO_TIME' }) as CodedError,
    );
  });
});

describe('parseCancelRequest', () => {
  it.each([
    ['cancel the staff meeting', { words: ['staff'], day: null, time: null }],
    ['Cancel my 3 pm tomorrow.', { words: [], day: '2026-12-10', time: '15:00' }],
    [
      "please delete tomorrow's case review",
      { words: ['case', 'review'], day: '2026-12-10', time: null },
    ],
  ])('%s', (text, target) => {
    expect(parseCancelRequest(text, opts)).toEqual({ target });
  });

  it('"cancel it" says nothing about which event: a coded error', () => {
    expect(() => parseCancelRequest('cancel my meeting', opts)).toThrow(
      expect.objectContaining({ code: 'CALENDAR_NO_TARGET' }) as CodedError,
    );
  });
  it('not a cancel: undefined', () => {
    expect(parseCancelRequest('what is next today?', opts)).toBeUndefined();
  });
});
