import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { READY_LINE_PATTERN } from '../src/shared/web-mode.js';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
export const SIDECAR_ENTRY = path.join(REPO_ROOT, 'apps/desktop/src/sidecar/index.ts');
export const SERVER_BIN = path.join(REPO_ROOT, 'apps/sync-server/bin/voiceassist-server.mjs');
/** The models folder launchers hand the engine (resources.ts): this checkout's. */
export const MODELS_DIR = path.join(REPO_ROOT, 'resources', 'models');

export interface Started {
  readonly child: ChildProcess;
  /** The ready pattern's match on stdout. */
  readonly match: RegExpMatchArray;
  /** Everything the process wrote to stderr so far (for failure messages). */
  stderr(): string;
  /** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. */
  stop(): Promise<void>;
}

/**
 * Starts a real process and waits for a line on stdout matching `ready`. Fails with the process's
 * stderr when it exits first or `timeoutMs` passes.
 */
export function startUntilLine(
  command: string,
  args: readonly string[],
  ready: RegExp,
  {
    env = {},
    timeoutMs = 90_000,
    cwd = REPO_ROOT,
  }: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {},
): Promise<Started> {
  const child = spawn(command, [...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err = (err + chunk).slice(-20_000);
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(
        new Error(
          `${path.basename(command)} ${args.join(' ')}: no ready line within ${timeoutMs} ms\n${err}`,
        ),
      );
    }, timeoutMs);
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const match = ready.exec(line);
      if (!match) return;
      clearTimeout(timer);
      lines.removeAllListeners('line');
      child.stdout.resume();
      resolve({ child, match, stderr: () => err, stop });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited (${code ?? signal}) before it was ready\n${err}`));
    });
  });
}

/** The web-mode sidecar, exactly as a launcher starts it. */
export function startSidecarWeb(
  rendererDir: string,
  env: NodeJS.ProcessEnv = {},
): Promise<Started> {
  return startUntilLine(
    process.execPath,
    ['--import', 'tsx', SIDECAR_ENTRY, '--web', '--port', '0', '--renderer-dir', rendererDir],
    READY_LINE_PATTERN,
    { env: { VOICEASSIST_MODELS_DIR: MODELS_DIR, ...env } },
  );
}

/** The real sync server (embedded PostgreSQL under `dataDir`); `env` e.g. points its gateway at stand-ins. */
export function startSyncServer(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<Started> {
  return startUntilLine(
    process.execPath,
    [SERVER_BIN, 'start', '--port', '0', '--data-dir', dataDir],
    /listening on (http:\/\/[^\s]+)/,
    { timeoutMs: 120_000, env },
  );
}

/** True while `pid` is a live process (a zombie awaiting its reaper counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}
