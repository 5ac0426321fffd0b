import { AppError, isAppError, type ErrorCode } from '../errors.js';
import type { CircuitBreaker } from './circuit-breaker.js';

export type Classified = Readonly<{ code: ErrorCode; retryable: boolean; status?: number }>;

export type Candidate<P> = Readonly<{ provider: P; name: string; breaker: CircuitBreaker }>;

/** Rejects with PROVIDER_TIMEOUT (and calls onTimeout) unless `p` settles within `ms`. */
export async function within<T>(p: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Reject first: aborting may settle `p` synchronously, and the timeout is the cause.
      reject(new AppError('PROVIDER_TIMEOUT', `The provider sent nothing for ${ms} ms.`));
      onTimeout();
    }, ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts a provider call: candidates in order (primary, then fallback), skipping any whose
 * circuit is open, retrying a candidate once only for failures that happened before anything
 * was delivered and are safe to repeat (connection refused/reset, 429, 5xx). `start` must
 * include receiving the first chunk, so a stream that dies at once can still fall back.
 * `before` runs per candidate first (the PHI guard); its errors end the call as they are.
 */
export async function startCall<P, T>(opts: {
  candidates: readonly Candidate<P>[];
  before: (c: Candidate<P>) => Promise<void>;
  start: (c: Candidate<P>) => Promise<T>;
  classify: (e: unknown) => Classified;
  onFailure?: (c: Candidate<P>, code: ErrorCode) => void;
}): Promise<{ value: T; candidate: Candidate<P> }> {
  if (opts.candidates.length === 0) throw new AppError('PROVIDER_NOT_CONFIGURED');
  let last: AppError | undefined;
  for (const c of opts.candidates) {
    await opts.before(c);
    for (let attempt = 1; attempt <= 2; attempt++) {
      if (!c.breaker.tryAcquire()) {
        last ??= new AppError(
          'PROVIDER_UNAVAILABLE',
          `Provider ${c.name} is failing; calls are refused while it recovers.`,
        );
        break;
      }
      try {
        const value = await opts.start(c);
        return { value, candidate: c };
      } catch (e) {
        c.breaker.failure();
        const k: Classified = isAppError(e) ? { code: e.code, retryable: false } : opts.classify(e);
        opts.onFailure?.(c, k.code);
        last = isAppError(e)
          ? e
          : new AppError(
              k.code,
              `Provider ${c.name} failed${k.status ? ` with HTTP ${k.status}` : ''}.`,
              { cause: e },
            );
        if (!k.retryable) break;
      }
    }
  }
  throw last ?? new AppError('PROVIDER_UNAVAILABLE');
}
