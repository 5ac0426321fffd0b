import { strictAssert } from '../shared/assert.js';
import type { Health, ServerStatus } from '../shared/contract.js';

export const SERVER_CHECK_TIMEOUT_MS = 3_000;
export const HEALTH_POLL_MS = 5_000;

/** Reported when the engine was started without the local store and models (no profile). */
const NO_LOCAL_COMPONENTS: Pick<Health, 'store' | 'models'> = {
  store: { status: 'not-configured', detail: 'This engine runs without a local store.' },
  models: { status: 'not-configured', detail: 'This engine runs without local models.' },
};

/** Asks the sync server's `/ready`. The sidecar, not the renderer, talks to the network. */
export async function checkServer(
  url: string | undefined,
  fetchImpl: typeof fetch = fetch,
  timeoutMs = SERVER_CHECK_TIMEOUT_MS,
): Promise<ServerStatus> {
  if (url === undefined || url === '')
    return {
      url: null,
      status: 'not-configured',
      detail: 'No sync server configured (set VOICEASSIST_SERVER_URL).',
    };
  let readyUrl: URL;
  try {
    readyUrl = new URL('ready', url.endsWith('/') ? url : `${url}/`);
  } catch {
    return {
      url,
      status: 'not-configured',
      detail: 'The configured server URL is not a valid URL.',
    };
  }
  try {
    const response = await fetchImpl(readyUrl, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: 'application/json' },
    });
    await response.body?.cancel();
    if (response.ok) return { url, status: 'ready', detail: 'Server and database ready.' };
    return {
      url,
      status: 'not-ready',
      detail: `The server answered /ready with HTTP ${response.status}; it is starting or its database is unavailable.`,
    };
  } catch (err) {
    const timedOut = err instanceof Error && err.name === 'TimeoutError';
    return {
      url,
      status: 'unreachable',
      detail: timedOut
        ? `No answer from the server within ${timeoutMs} ms.`
        : 'Cannot connect to the server; is it running?',
    };
  }
}

export interface HealthMonitorOptions {
  readonly version: string;
  readonly serverUrl: string | undefined;
  readonly now?: () => number;
  readonly fetchImpl?: typeof fetch;
  /** The store's and models' current status (the knowledge service knows it). */
  readonly components?: () => Pick<Health, 'store' | 'models'>;
}

/** Keeps the last known health; polls the server and reports changes of the summary. */
export class HealthMonitor {
  private readonly startedAt: number;
  private readonly now: () => number;
  private server: ServerStatus | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: HealthMonitorOptions) {
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
  }

  async snapshot(refresh = false): Promise<Health> {
    if (refresh || !this.server) await this.refreshServer();
    return this.compose();
  }

  /** Polls in the background; `onChange` fires when any status (not uptime) changes. */
  start(onChange: (health: Health) => void, intervalMs = HEALTH_POLL_MS): void {
    const tick = async (): Promise<void> => {
      const before = this.server?.status;
      await this.refreshServer();
      if (this.stopped) return; // stopped while the check was in flight
      if (this.server?.status !== before) onChange(this.compose());
      this.timer = setTimeout(() => void tick(), intervalMs);
      this.timer.unref();
    };
    void tick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async refreshServer(): Promise<void> {
    this.server = await checkServer(this.options.serverUrl, this.options.fetchImpl);
  }

  private compose(): Health {
    const server = this.server;
    strictAssert(server, 'server status read before the first check');
    return {
      version: this.options.version,
      uptimeSeconds: Math.max(0, Math.round((this.now() - this.startedAt) / 1000)),
      ...(this.options.components?.() ?? NO_LOCAL_COMPONENTS),
      server,
    };
  }
}
