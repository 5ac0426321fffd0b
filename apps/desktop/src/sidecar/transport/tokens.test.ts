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

  it('mints further one-time launch tokens (voiceassist open), each good for one connection', () => {
    const book = new TokenBook();
    expect(book.redeem(book.launchToken).ok).toBe(true);
    const again = book.mintLaunchToken();
    expect(again).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(again).not.toBe(book.launchToken);
    expect(book.redeem(again).ok).toBe(true);
    expect(book.redeem(again)).toEqual({ ok: false, reason: 'used' });
    // Unused ones are bounded: the oldest of more than eight stops working.
    const minted = Array.from({ length: 9 }, () => book.mintLaunchToken());
    expect(book.redeem(minted[0]!)).toEqual({ ok: false, reason: 'unknown' });
    expect(book.redeem(minted[8]!).ok).toBe(true);
  });
});
