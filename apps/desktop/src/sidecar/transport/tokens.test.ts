import { describe, expect, it } from 'vitest';
import { TokenBook } from './tokens.js';

describe('TokenBook', () => {
  it('accepts the launch token once and hands out a rotating session token', () => {
    const book = new TokenBook();
    const first = book.redeem(book.launchToken);
    expect(first.ok).toBe(true);
    expect(book.redeem(book.launchToken)).toEqual({ ok: false, reason: 'used' });
    if (!first.ok) throw new Error('unreachable');
    const second = book.redeem(first.session);
    expect(second.ok).toBe(true);
    expect(book.redeem(first.session)).toEqual({ ok: false, reason: 'used' });
    expect(book.redeem('guess')).toEqual({ ok: false, reason: 'unknown' });
    expect(book.launchToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
