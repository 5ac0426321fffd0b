import { describe, it, expect } from 'vitest';
import { AppError } from '../errors.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { startCall, type Candidate, type Classified } from './resilience.js';

const candidate = (name: string): Candidate<string> => ({
  provider: name,
  name,
  breaker: new CircuitBreaker(name, { failureThreshold: 2, resetMs: 60_000 }),
});

const theirs: Classified = { code: 'PROVIDER_ERROR', retryable: true, provider: true };
const refused: Classified = {
  code: 'PROVIDER_ERROR',
  retryable: false,
  provider: false,
  status: 400,
};
const ours: Classified = { code: 'INTERNAL', retryable: false, provider: false };

async function run(
  c: Candidate<string>,
  start: () => Promise<string>,
  classify: Classified,
  signal?: AbortSignal,
): Promise<unknown> {
  return startCall({
    candidates: [c],
    before: () => Promise.resolve(),
    start,
    classify: () => classify,
    ...(signal ? { signal } : {}),
  }).catch((e: unknown) => e);
}

describe('startCall blames the provider only for its own failures', () => {
  it('our own exception (the request cannot even be built) is INTERNAL, never retried, never counted', async () => {
    const c = candidate('p');
    let calls = 0;
    for (let i = 0; i < 20; i++) {
      const e = await run(
        c,
        () => {
          calls++;
          throw new TypeError('Converting circular structure to JSON');
        },
        ours,
      );
      expect((e as AppError).code).toBe('INTERNAL');
    }
    expect(calls).toBe(20);
    expect(c.breaker.state).toBe('closed');
  });

  it('a request the provider refuses (4xx) is not counted and marked as the device’s fault', async () => {
    const c = candidate('p');
    for (let i = 0; i < 20; i++) {
      const e = await run(c, () => Promise.reject(new Error('400')), refused);
      expect(e).toMatchObject({ code: 'PROVIDER_ERROR', deviceFault: true });
    }
    expect(c.breaker.state).toBe('closed');
  });

  it('our abort (the client hung up) ends the call as CLIENT_CANCELLED and is not counted', async () => {
    const c = candidate('p');
    for (let i = 0; i < 20; i++) {
      const ac = new AbortController();
      const e = await run(
        c,
        () => {
          ac.abort();
          return Promise.reject(new Error('aborted'));
        },
        theirs,
        ac.signal,
      );
      expect((e as AppError).code).toBe('CLIENT_CANCELLED');
    }
    expect(c.breaker.state).toBe('closed');
  });

  it('connection errors, 5xx and timeouts are counted (retried once) and open the circuit', async () => {
    const c = candidate('p');
    await run(c, () => Promise.reject(new Error('ECONNREFUSED')), theirs);
    expect(c.breaker.state).toBe('open');
    const e = await run(c, () => Promise.resolve('never called'), theirs);
    expect((e as AppError).code).toBe('PROVIDER_UNAVAILABLE');
    const t = candidate('t');
    await run(t, () => Promise.reject(new AppError('PROVIDER_TIMEOUT')), ours);
    await run(t, () => Promise.reject(new AppError('PROVIDER_TIMEOUT')), ours);
    expect(t.breaker.state).toBe('open');
  });

  it('a half-open probe the client cancels frees the probe: the next call probes and closes it', async () => {
    let now = 0;
    const c: Candidate<string> = {
      provider: 'p',
      name: 'p',
      breaker: new CircuitBreaker('p', { failureThreshold: 1, resetMs: 1000, now: () => now }),
    };
    await run(c, () => Promise.reject(new Error('503')), { ...theirs, retryable: false });
    expect(c.breaker.state).toBe('open');
    now += 1000;
    const ac = new AbortController();
    const cancelled = await run(
      c,
      () => {
        ac.abort();
        return Promise.reject(new Error('aborted'));
      },
      theirs,
      ac.signal,
    );
    expect((cancelled as AppError).code).toBe('CLIENT_CANCELLED');
    expect(c.breaker.state).toBe('half_open');
    expect(await run(c, () => Promise.resolve('first chunk'), theirs)).toMatchObject({
      value: 'first chunk',
    });
    expect(c.breaker.state).toBe('closed');
  });
});
