/**
 * Keeps the sidecar alive: spawn → handshake (with timeout) → running; on a crash, restart after an
 * exponential backoff; give up after too many fast crashes in a row; stop cleanly (SIGTERM, then
 * SIGKILL after a grace period). Written against `ChildHandle` so tests drive it with a real
 * `child_process` and Electron wraps `utilityProcess` (see child-process.ts, utility-process.ts).
 */

export type KillSignal = 'SIGTERM' | 'SIGKILL';

/** The few things the supervisor needs from a process. */
export interface ChildHandle {
  readonly pid: number | undefined;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  /** Must end the whole process tree where the platform allows it (process group). */
  kill(signal: KillSignal): void;
}

export type Launch = () => ChildHandle;

export type SupervisorState =
  'idle' | 'starting' | 'running' | 'backoff' | 'stopping' | 'stopped' | 'failed';

export type CrashReason = 'exit' | 'handshake-timeout' | 'spawn-error';

export type SupervisorEvent =
  | { readonly state: 'starting'; readonly attempt: number }
  | { readonly state: 'running'; readonly child: ChildHandle; readonly ready: unknown }
  | {
      readonly state: 'backoff';
      readonly reason: CrashReason;
      readonly delayMs: number;
      readonly consecutiveCrashes: number;
    }
  | { readonly state: 'failed'; readonly reason: CrashReason; readonly consecutiveCrashes: number }
  | { readonly state: 'stopping' }
  | { readonly state: 'stopped' };

export interface SupervisorOptions {
  readonly launch: Launch;
  /** The first message the child must send to count as started. */
  readonly isReady: (message: unknown) => boolean;
  readonly handshakeTimeoutMs?: number;
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Consecutive crashes (each within `stableAfterMs` of its start) before giving up. */
  readonly maxFastCrashes?: number;
  /** A run at least this long counts as healthy and resets the crash count. */
  readonly stableAfterMs?: number;
  readonly stopGraceMs?: number;
  readonly now?: () => number;
}

export const SUPERVISOR_DEFAULTS = {
  handshakeTimeoutMs: 15_000,
  initialBackoffMs: 500,
  maxBackoffMs: 30_000,
  maxFastCrashes: 5,
  stableAfterMs: 60_000,
  stopGraceMs: 5_000,
} as const;

/** Delay before restart number `crashes` (1-based): initial × 2^(crashes−1), capped. */
export function backoffDelay(crashes: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, crashes - 1));
}

export class Supervisor {
  private state: SupervisorState = 'idle';
  private child: ChildHandle | undefined;
  private startedAt = 0;
  private attempt = 0;
  private consecutiveCrashes = 0;
  private handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  private backoffTimer: ReturnType<typeof setTimeout> | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<(event: SupervisorEvent) => void>();
  private readonly opts: Required<SupervisorOptions>;

  constructor(options: SupervisorOptions) {
    this.opts = { ...SUPERVISOR_DEFAULTS, now: Date.now, ...options };
  }

  get current(): SupervisorState {
    return this.state;
  }

  get runningChild(): ChildHandle | undefined {
    return this.state === 'running' ? this.child : undefined;
  }

  onEvent(listener: (event: SupervisorEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.state !== 'idle' && this.state !== 'stopped' && this.state !== 'failed') return; // already up
    this.consecutiveCrashes = 0;
    this.spawn();
  }

  /** Ends the child (and its process group) and stays down. Resolves once it has exited. */
  async stop(): Promise<void> {
    clearTimeout(this.backoffTimer);
    clearTimeout(this.handshakeTimer);
    const child = this.child;
    if (!child) {
      if (this.state !== 'stopped') this.emit({ state: 'stopped' });
      return; // never started, in backoff, or already gone
    }
    this.emit({ state: 'stopping' });
    const exited = this.exited;
    child.kill('SIGTERM');
    let escalate: ReturnType<typeof setTimeout> | undefined;
    const graceOver = new Promise<void>((resolve) => {
      escalate = setTimeout(resolve, this.opts.stopGraceMs);
    });
    await Promise.race([exited, graceOver]);
    clearTimeout(escalate);
    if (this.child === child) child.kill('SIGKILL');
    await exited;
    this.emit({ state: 'stopped' });
  }

  private spawn(): void {
    this.attempt += 1;
    this.emit({ state: 'starting', attempt: this.attempt });
    let child: ChildHandle;
    try {
      child = this.opts.launch();
    } catch {
      this.crashed('spawn-error');
      return;
    }
    this.child = child;
    this.startedAt = this.opts.now();
    let handshakeDone = false;
    let timedOut = false;
    this.exited = new Promise((resolve) => {
      child.onExit(() => {
        if (this.child !== child) return resolve();
        this.child = undefined;
        child.kill('SIGKILL'); // sweep what it left behind in its process group: no orphans
        clearTimeout(this.handshakeTimer);
        resolve();
        if (this.state === 'stopping') return; // stop() reports the end
        this.crashed(timedOut ? 'handshake-timeout' : 'exit');
      });
    });
    child.onMessage((message) => {
      if (handshakeDone || this.child !== child || !this.opts.isReady(message)) return;
      handshakeDone = true;
      clearTimeout(this.handshakeTimer);
      this.emit({ state: 'running', child, ready: message });
    });
    this.handshakeTimer = setTimeout(() => {
      if (handshakeDone || this.child !== child) return;
      timedOut = true;
      child.kill('SIGKILL'); // a child that cannot say hello is not worth a grace period
    }, this.opts.handshakeTimeoutMs);
  }

  private crashed(reason: CrashReason): void {
    const ranFor = this.opts.now() - this.startedAt;
    this.consecutiveCrashes = ranFor >= this.opts.stableAfterMs ? 1 : this.consecutiveCrashes + 1;
    if (this.consecutiveCrashes >= this.opts.maxFastCrashes) {
      this.emit({ state: 'failed', reason, consecutiveCrashes: this.consecutiveCrashes });
      return;
    }
    const delayMs = backoffDelay(
      this.consecutiveCrashes,
      this.opts.initialBackoffMs,
      this.opts.maxBackoffMs,
    );
    this.emit({ state: 'backoff', reason, delayMs, consecutiveCrashes: this.consecutiveCrashes });
    this.backoffTimer = setTimeout(() => this.spawn(), delayMs);
  }

  private emit(event: SupervisorEvent): void {
    this.state = event.state;
    for (const listener of this.listeners) listener(event);
  }
}
