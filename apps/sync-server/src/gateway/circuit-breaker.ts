import { AppError } from '../errors.js';

export type CircuitState = 'closed' | 'open' | 'half_open';

export type CircuitOptions = Readonly<{
  failureThreshold: number;
  resetMs: number;
  now?: () => number;
}>;

/**
 * Per provider. `closed`: calls flow; after `failureThreshold` consecutive failures → `open`:
 * calls fail fast with PROVIDER_UNAVAILABLE; after `resetMs` → `half_open`: one probe call at a
 * time is let through; its success closes the circuit, its failure opens it again, and a probe
 * that ended without a verdict (the client hung up, the request was refused as ours) is
 * `release`d so the next call probes instead.
 *
 * Only failures the provider is to blame for are reported here (connection errors, 5xx, 429,
 * provider timeouts, broken streams): a client's hang-up, a refused request or our own exception
 * says nothing about the provider, and counting it would let one device cut a provider off for
 * everyone.
 */
export class CircuitBreaker {
  private state_: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private readonly now: () => number;

  constructor(
    readonly provider: string,
    private readonly opts: CircuitOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  get state(): CircuitState {
    if (this.state_ === 'open' && this.now() - this.openedAt >= this.opts.resetMs) {
      this.state_ = 'half_open';
      this.probing = false;
    }
    return this.state_;
  }

  /** True when a call may go out now (and, half-open, claims the single probe). */
  tryAcquire(): boolean {
    switch (this.state) {
      case 'closed':
        return true;
      case 'open':
        return false;
      case 'half_open':
        if (this.probing) return false;
        this.probing = true;
        return true;
    }
  }

  /** Throws the coded fast-fail error when the circuit refuses the call. */
  acquire(): void {
    if (!this.tryAcquire()) {
      throw new AppError(
        'PROVIDER_UNAVAILABLE',
        `Provider ${this.provider} is failing; calls are refused for up to ${Math.ceil(this.opts.resetMs / 1000)} s while it recovers.`,
      );
    }
  }

  /** A call that got no verdict on the provider: frees a half-open probe, changes nothing else. */
  release(): void {
    this.probing = false;
  }

  success(): void {
    this.failures = 0;
    this.probing = false;
    this.state_ = 'closed';
  }

  failure(): void {
    this.probing = false;
    this.failures++;
    if (this.state_ === 'half_open' || this.failures >= this.opts.failureThreshold) {
      this.state_ = 'open';
      this.openedAt = this.now();
    }
  }
}
