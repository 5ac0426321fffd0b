import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive } from '../../test-support/processes.js';
import { nodeChildLauncher } from './child-process.js';
import {
  backoffDelay,
  Supervisor,
  type SupervisorEvent,
  type SupervisorOptions,
} from './supervisor.js';

const FIXTURE = path.resolve(
  import.meta.dirname,
  '../../test-support/fixtures/supervised-child.mjs',
);
const isReady = (m: unknown): boolean => (m as { t?: unknown } | null)?.t === 'ready';

const supervisors: Supervisor[] = [];
const tempDirs: string[] = [];
afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((s) => s.stop()));
  await Promise.all(tempDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

function supervise(mode: string, overrides: Partial<SupervisorOptions> = {}, marker?: string) {
  const events: SupervisorEvent[] = [];
  const messages: unknown[] = [];
  const launch = nodeChildLauncher(FIXTURE, { args: marker ? [mode, marker] : [mode] });
  const supervisor = new Supervisor({
    launch: () => {
      const child = launch();
      child.onMessage((m) => messages.push(m));
      return child;
    },
    isReady,
    handshakeTimeoutMs: 5_000,
    initialBackoffMs: 20,
    maxBackoffMs: 1_000,
    stopGraceMs: 2_000,
    ...overrides,
  });
  supervisors.push(supervisor);
  supervisor.onEvent((e) => events.push(e));
  return { supervisor, events, messages };
}

/** Resolves at the first event that satisfies `predicate` (past or future). */
function waitFor(
  supervisor: Supervisor,
  events: readonly SupervisorEvent[],
  predicate: (e: SupervisorEvent, index: number) => boolean,
): Promise<SupervisorEvent> {
  const found = events.find(predicate);
  if (found) return Promise.resolve(found);
  return new Promise((resolve) => {
    const off = supervisor.onEvent((e) => {
      if (predicate(e, events.length - 1)) {
        off();
        resolve(e);
      }
    });
  });
}

const pidOf = (e: SupervisorEvent): number => {
  if (e.state !== 'running' || e.child.pid === undefined) throw new Error('not a running event');
  return e.child.pid;
};

async function grandchildPid(messages: unknown[]): Promise<number> {
  for (;;) {
    const found = messages.find((m) => (m as { t?: unknown }).t === 'grandchild') as
      { pid: number } | undefined;
    if (found) return found.pid;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('Supervisor against a real child process', () => {
  it('handshakes, and stop leaves no orphan: child and grandchild are gone', async () => {
    const { supervisor, events, messages } = supervise('serve');
    supervisor.start();
    const running = await waitFor(supervisor, events, (e) => e.state === 'running');
    const pid = pidOf(running);
    const grandchild = await grandchildPid(messages);
    expect(isAlive(pid)).toBe(true);
    expect(isAlive(grandchild)).toBe(true);

    await supervisor.stop();
    expect(supervisor.current).toBe('stopped');
    expect(isAlive(pid)).toBe(false);
    // The grandchild dies with the process group; give the kernel a moment to deliver the signal.
    await expect.poll(() => isAlive(grandchild), { timeout: 5_000 }).toBe(false);
  });

  it('sweeps what a crashed engine left behind in its process group', async () => {
    const { supervisor, events, messages } = supervise('serve');
    supervisor.start();
    const pid = pidOf(await waitFor(supervisor, events, (e) => e.state === 'running'));
    const grandchild = await grandchildPid(messages);
    process.kill(pid, 'SIGKILL'); // a hard crash: the child cannot clean up after itself
    await waitFor(supervisor, events, (e) => e.state === 'backoff');
    await expect.poll(() => isAlive(grandchild), { timeout: 5_000 }).toBe(false);
  });

  it('detects a crash and restarts the engine in a new process', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'va-supervisor-'));
    tempDirs.push(dir);
    const { supervisor, events } = supervise('crash-once', {}, path.join(dir, 'crashed'));
    supervisor.start();
    const first = pidOf(await waitFor(supervisor, events, (e) => e.state === 'running'));
    const backoff = await waitFor(supervisor, events, (e) => e.state === 'backoff');
    expect(backoff).toMatchObject({ reason: 'exit', consecutiveCrashes: 1, delayMs: 20 });
    const second = pidOf(
      await waitFor(
        supervisor,
        events,
        (e, i) => e.state === 'running' && i > events.indexOf(backoff),
      ),
    );
    expect(second).not.toBe(first);
    expect(isAlive(first)).toBe(false);
    expect(isAlive(second)).toBe(true);
    expect(supervisor.current).toBe('running');
  });

  it('backs off exponentially on repeated crashes and gives up after N fast crashes', async () => {
    const { supervisor, events } = supervise('crash', { maxFastCrashes: 4 });
    supervisor.start();
    const failed = await waitFor(supervisor, events, (e) => e.state === 'failed');
    expect(failed).toMatchObject({ reason: 'exit', consecutiveCrashes: 4 });
    const delays = events.flatMap((e) => (e.state === 'backoff' ? [e.delayMs] : []));
    expect(delays).toEqual([20, 40, 80]);
    expect(events.filter((e) => e.state === 'starting')).toHaveLength(4);
    const pids = events.flatMap((e) => (e.state === 'running' ? [pidOf(e)] : []));
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
  });

  it('kills a child that never completes the handshake and counts it as a crash', async () => {
    const { supervisor, events } = supervise('silent', {
      handshakeTimeoutMs: 300,
      maxFastCrashes: 1,
    });
    supervisor.start();
    const failed = await waitFor(supervisor, events, (e) => e.state === 'failed');
    expect(failed).toMatchObject({ reason: 'handshake-timeout' });
    expect(events.some((e) => e.state === 'running')).toBe(false);
  });

  it('escalates to SIGKILL when the child ignores SIGTERM', async () => {
    const { supervisor, events } = supervise('stubborn', { stopGraceMs: 300 });
    supervisor.start();
    const pid = pidOf(await waitFor(supervisor, events, (e) => e.state === 'running'));
    await supervisor.stop();
    expect(isAlive(pid)).toBe(false);
    expect(events.at(-1)?.state).toBe('stopped');
  });
});

describe('backoffDelay', () => {
  it('doubles from the initial delay and caps at the maximum', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, 500, 5_000))).toEqual([
      500, 1000, 2000, 4000, 5000, 5000,
    ]);
  });
});
