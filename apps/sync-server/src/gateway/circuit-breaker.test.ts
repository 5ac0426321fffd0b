import { describe, it, expect } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';
import { AppError } from '../errors.js';

function breaker() {
  let t = 0;
  const b = new CircuitBreaker('openai', { failureThreshold: 3, resetMs: 1000, now: () => t });
  return { b, advance: (ms: number) => (t += ms) };
}

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures and fails fast with a coded error', () => {
    const { b } = breaker();
    b.failure();
    b.failure();
    expect(b.state).toBe('closed');
    b.failure();
    expect(b.state).toBe('open');
    let err: unknown;
    try {
      b.acquire();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('PROVIDER_UNAVAILABLE');
    expect((err as AppError).message).toContain('openai');
  });

  it('a success resets the failure count', () => {
    const { b } = breaker();
    b.failure();
    b.failure();
    b.success();
    b.failure();
    b.failure();
    expect(b.state).toBe('closed');
  });

  it('half-opens after the reset time, lets one probe through, and closes on its success', () => {
    const { b, advance } = breaker();
    for (let i = 0; i < 3; i++) b.failure();
    advance(1000);
    expect(b.state).toBe('half_open');
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false); // only one probe at a time
    b.success();
    expect(b.state).toBe('closed');
  });

  it('re-opens when the probe fails', () => {
    const { b, advance } = breaker();
    for (let i = 0; i < 3; i++) b.failure();
    advance(1000);
    expect(b.tryAcquire()).toBe(true);
    b.failure();
    expect(b.state).toBe('open');
    advance(999);
    expect(b.state).toBe('open');
  });
});
