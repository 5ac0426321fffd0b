import { ProviderError, type ProviderErrorCode, type ProviderKind } from './errors.js';

/**
 * Runs `work` with a deadline: when it passes, `controller` is aborted with a coded error as its
 * reason (so the fetch/stream underneath stops too) and the promise rejects with that error.
 */
export async function within<T>(
  work: Promise<T>,
  ms: number,
  controller: AbortController,
  code: ProviderErrorCode,
  kind: ProviderKind,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const err = new ProviderError(code, kind);
      controller.abort(err);
      reject(err);
    }, ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** A controller aborted when `outer` aborts (barge-in) — and, separately, by our own deadlines. */
export function linkedController(outer: AbortSignal | undefined): {
  controller: AbortController;
  dispose: () => void;
} {
  const controller = new AbortController();
  if (!outer) return { controller, dispose: () => undefined };
  if (outer.aborted) {
    controller.abort(outer.reason);
    return { controller, dispose: () => undefined };
  }
  const onAbort = (): void => controller.abort(outer.reason);
  outer.addEventListener('abort', onAbort, { once: true });
  return { controller, dispose: () => outer.removeEventListener('abort', onAbort) };
}
