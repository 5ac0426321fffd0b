import { AppError, isAppError, type ErrorCode } from '../errors.js';
import type { CircuitBreaker } from './circuit-breaker.js';

/**
 * What a failed provider call means. `provider`: the provider is to blame (connection refused or
 * reset, 5xx, 429, its timeout, a broken stream), which alone counts against its circuit. Else
 * the request was refused as it was (a 4xx: `deviceFault`) or our own code threw.
 */
export type Classified = Readonly<{
  code: ErrorCode;
  retryable: boolean;
  provider: boolean;
  status?: number;
}>;
export type Candidate<P> = Readonly<{ provider: P; name: string; breaker: CircuitBreaker }>;

/** Codes of our own AppErrors that blame the provider (raised while waiting on it). */
const PROVIDER_CODES: ReadonlySet<ErrorCode> = new Set([
  'PROVIDER_TIMEOUT',
  'PROVIDER_ERROR',
  'PROVIDER_STREAM_BROKEN',
]);

/** Provider statuses that say the request itself was at fault (the device sent it). */
const REFUSED_REQUEST: ReadonlySet<number> = new Set([400, 409, 413, 415, 422]);

/** An exception that is neither the provider's nor a refusal: our own bug, never the provider's. */
export const localFailure: Classified = { code: 'INTERNAL', retryable: false, provider: false };

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
 *
 * Only provider-attributable failures count against a circuit; a first chunk counts for it (a
 * half-open probe closes it). When `signal` is aborted (the client hung up) the call ends as
 * CLIENT_CANCELLED and no circuit hears about it.
 */
export async function startCall<P, T>(opts: {
  candidates: readonly Candidate<P>[];
  before: (c: Candidate<P>) => Promise<void>;
  start: (c: Candidate<P>) => Promise<T>;
  classify: (e: unknown) => Classified;
  signal?: AbortSignal;
  onFailure?: (c: Candidate<P>, k: Classified) => void;
}): Promise<{ value: T; candidate: Candidate<P> }> {
  if (opts.candidates.length === 0) throw new AppError('PROVIDER_NOT_CONFIGURED');
  const cancelled = () => new AppError('CLIENT_CANCELLED');
  let last: AppError | undefined;
  for (const c of opts.candidates) {
    if (opts.signal?.aborted) throw cancelled();
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
        c.breaker.success();
        return { value, candidate: c };
      } catch (e) {
        if (opts.signal?.aborted) {
          c.breaker.release(); // our abort: says nothing about the provider
          throw cancelled();
        }
        const k = classifyError(e, opts.classify);
        if (k.provider) c.breaker.failure();
        else c.breaker.release();
        opts.onFailure?.(c, k);
        last = isAppError(e)
          ? e
          : new AppError(
              k.code,
              k.code === 'INTERNAL'
                ? undefined
                : `Provider ${c.name} failed${k.status ? ` with HTTP ${k.status}` : ''}.`,
              { cause: e, deviceFault: k.status !== undefined && REFUSED_REQUEST.has(k.status) },
            );
        if (k.code === 'INTERNAL') throw last; // our own exception: another provider will not help
        if (!k.retryable) break;
      }
    }
  }
  throw last ?? new AppError('PROVIDER_UNAVAILABLE');
}

/** Our own coded errors classify by their code; anything else by the provider's classifier. */
export function classifyError(e: unknown, classify: (e: unknown) => Classified): Classified {
  if (!isAppError(e)) return classify(e);
  return { code: e.code, retryable: false, provider: PROVIDER_CODES.has(e.code) };
}
