import { once } from 'node:events';
import type { ServerResponse } from 'node:http';

/** Writes with backpressure; resolves false when the client has gone away. */
export async function writeOrGone(
  res: ServerResponse,
  data: string | Uint8Array,
): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return false;
  if (res.write(data)) return true;
  const ac = new AbortController();
  try {
    await Promise.race([
      once(res, 'drain', { signal: ac.signal }),
      once(res, 'close', { signal: ac.signal }),
    ]);
  } catch {
    /* aborted listener */
  } finally {
    ac.abort();
  }
  return !res.destroyed;
}

/** An AbortController aborted when the client disconnects before the response finished. */
export function abortOnDisconnect(res: ServerResponse): AbortController {
  const ac = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) ac.abort();
  });
  return ac;
}

/** Rough token estimate (4 characters a token) for what was delivered when no usage arrived. */
export const estimateTokens = (chars: number): number => Math.ceil(chars / 4);

/**
 * One timer for a whole stream instead of one per chunk: `touch()` re-arms it on every chunk,
 * and after `ms` without one it calls `onIdle` (which aborts the provider call) and sets `fired`,
 * so the failure that abort causes can be reported as PROVIDER_TIMEOUT.
 */
export class IdleWatchdog {
  fired = false;
  private readonly timer: NodeJS.Timeout;
  constructor(ms: number, onIdle: () => void) {
    this.timer = setTimeout(() => {
      this.fired = true;
      onIdle();
    }, ms);
  }
  touch(): void {
    this.timer.refresh();
  }
  stop(): void {
    clearTimeout(this.timer);
  }
}

/**
 * `Server-Timing` for a streamed answer, sent with its headers: `pre` = from the request's arrival
 * to the handler (body parse, validation, authentication), `limits` + `guard` = quota check and
 * PHI scan, `provider` = from calling the provider to its first chunk. Durations only, no content.
 */
export class FirstByteTimings {
  private readonly t0 = performance.now();
  private marks: [string, number][] = [];
  private last = this.t0;
  constructor(private readonly preMs: number) {}
  mark(name: string): void {
    const now = performance.now();
    this.marks.push([name, now - this.last]);
    this.last = now;
  }
  header(): string {
    const parts = [['pre', this.preMs] as const, ...this.marks];
    return parts.map(([n, d]) => `${n};dur=${d.toFixed(2)}`).join(', ');
  }
}
