import type { ProvidersResponse } from '@voiceassist/contract';
import type { GatewayClient } from './client.js';
import type { ProviderKind } from './errors.js';

/**
 * What the gateway can do for one kind: `ready` (configured, some provider's circuit not open),
 * `not-configured` (the server has no such provider), `unavailable` (every provider's circuit is
 * open, or the server cannot be reached), `unknown` (not asked yet).
 */
export type Availability = 'ready' | 'not-configured' | 'unavailable' | 'unknown';

const KINDS: readonly ProviderKind[] = ['llm', 'stt', 'tts'];
/** While the server answers: how often its providers are asked again (an admin may add one). */
const REFRESH_MS = 30_000;
/** While it does not: how soon to try again (reconnect). */
const RETRY_MS = 5_000;

export function availabilityOf(status: ProvidersResponse[ProviderKind]): Availability {
  if (!status.configured) return 'not-configured';
  return status.providers.every((p) => p.circuit === 'open') ? 'unavailable' : 'ready';
}

/**
 * The gateway's capabilities as its `GET /v1/providers` says, asked on connect, again every 30 s
 * (every 5 s while the server cannot be reached), and at once when a call's failure says they
 * may have changed (`refresh`). Never learnt from a failure itself: the failure only makes us ask.
 */
export class ProviderCapabilities {
  private readonly state: Record<ProviderKind, Availability>;
  private answer: ProvidersResponse | undefined;
  private lastCircuits = '[]';
  private inFlight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly client: GatewayClient | undefined,
    private readonly onChange: () => void = () => undefined,
  ) {
    const initial: Availability = client ? 'unknown' : 'not-configured';
    this.state = { llm: initial, stt: initial, tts: initial };
  }

  get(kind: ProviderKind): Availability {
    return this.state[kind];
  }

  /** Each configured provider as the server last described it (names and circuit state only). */
  providers(): readonly (ProvidersResponse[ProviderKind]['providers'][number] & {
    readonly kind: ProviderKind;
  })[] {
    const a = this.answer;
    return a ? KINDS.flatMap((kind) => a[kind].providers.map((p) => ({ ...p, kind }))) : [];
  }

  /** Worth trying: the server has the provider, or we do not know yet. */
  usable(kind: ProviderKind): boolean {
    return this.client !== undefined && this.state[kind] !== 'not-configured';
  }

  /**
   * Asks the server now (calls while a request is in flight share it), then again on a schedule
   * (the timer does not keep the process alive); never rejects.
   */
  refresh(): Promise<void> {
    if (!this.client || this.closed) return Promise.resolve();
    this.inFlight ??= this.ask(this.client).finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private async ask(client: GatewayClient): Promise<void> {
    let next: Record<ProviderKind, Availability>;
    let retryMs = REFRESH_MS;
    try {
      const answer = await client.providers();
      this.answer = answer;
      next = {
        llm: availabilityOf(answer.llm),
        stt: availabilityOf(answer.stt),
        tts: availabilityOf(answer.tts),
      };
    } catch {
      next = { llm: 'unavailable', stt: 'unavailable', tts: 'unavailable' };
      retryMs = RETRY_MS;
    }
    if (this.closed) return;
    const circuits = JSON.stringify(this.providers().map((p) => p.circuit));
    const changed = KINDS.some((k) => next[k] !== this.state[k]) || circuits !== this.lastCircuits;
    this.lastCircuits = circuits;
    Object.assign(this.state, next);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), retryMs);
    this.timer.unref();
    if (changed) this.onChange();
  }
}
