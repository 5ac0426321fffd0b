import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { decodeHookMessage, type HookMessage } from './protocol.js';

/** How to start the helper: in development `node --import tsx hook-process.ts`; a packaged app
 * passes its bundled script (and ELECTRON_RUN_AS_NODE=1 when the executable is Electron). */
export type HelperCommand = Readonly<{
  command: string;
  args: readonly string[];
  env?: Readonly<Record<string, string>>;
}>;

export type SpawnFn = (
  command: string,
  args: readonly string[],
  options: SpawnOptions,
) => ChildProcess;

export type Runtime = Readonly<{ execPath: string; electron: boolean }>;

const CURRENT_RUNTIME: Runtime = {
  execPath: process.execPath,
  electron: 'electron' in process.versions, // typed as always present once electron's types load
};

/**
 * The command that runs the helper `script` with this process's executable: a .ts script through
 * tsx (development, tests); under Electron with ELECTRON_RUN_AS_NODE=1 so the binary acts as Node.
 */
export function helperCommandFor(
  script: string,
  runtime: Runtime = CURRENT_RUNTIME,
): HelperCommand {
  const args = script.endsWith('.ts')
    ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href, script]
    : [script];
  return runtime.electron
    ? { command: runtime.execPath, args, env: { ELECTRON_RUN_AS_NODE: '1' } }
    : { command: runtime.execPath, args };
}

/** The helper from source (hook-process.ts beside this file), for development and tests. */
export function devHelperCommand(): HelperCommand {
  return helperCommandFor(fileURLToPath(new URL('./hook-process.ts', import.meta.url)));
}

export type HookExit = Readonly<{
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The helper's last stderr output (libuiohook reports X failures there); no key data. */
  stderr: string;
}>;

export interface HookClientHandlers {
  readonly onMessage: (message: HookMessage) => void;
  readonly onInvalidLine: () => void;
  readonly onExit: (exit: HookExit) => void;
}

const STDERR_KEEP = 2000;
const STOP_GRACE_MS = 2000;

/** One running helper process: lines in, one exit out (also when spawning itself fails). */
export class HookClient {
  readonly #child: ChildProcess;
  #stderr = '';
  #exited = false;
  readonly #exitPromise: Promise<void>;

  constructor(
    command: HelperCommand,
    hotkey: string,
    env: Readonly<Record<string, string | undefined>>,
    handlers: HookClientHandlers,
    spawn: SpawnFn = nodeSpawn,
  ) {
    this.#child = spawn(command.command, [...command.args, '--hotkey', hotkey], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...env, ...command.env },
    });
    let resolveExit!: () => void;
    this.#exitPromise = new Promise((r) => (resolveExit = r));
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (this.#exited) return; // 'error' and 'close' can both arrive
      this.#exited = true;
      resolveExit();
      handlers.onExit({ code, signal, stderr: this.#stderr });
    };
    this.#child.once('error', (e) => {
      this.#stderr += e.message;
      finish(null, null);
    });
    this.#child.once('close', (code, signal) => finish(code, signal));
    this.#child.stdin?.on('error', () => undefined); // EPIPE when the helper is already gone
    this.#child.stderr?.setEncoding('utf8');
    this.#child.stderr?.on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-STDERR_KEEP);
    });
    if (this.#child.stdout !== null) {
      createInterface({ input: this.#child.stdout }).on('line', (line) => {
        const message = decodeHookMessage(line);
        if (message === undefined) handlers.onInvalidLine();
        else handlers.onMessage(message);
      });
    }
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get exited(): boolean {
    return this.#exited;
  }

  /** Kills at once (no grace): used when the helper hangs. */
  kill(): void {
    if (!this.#exited) this.#child.kill('SIGKILL');
  }

  /** Closes stdin (the helper exits by itself), then SIGTERM, then SIGKILL; resolves on exit. */
  async stop(): Promise<void> {
    if (this.#exited) return;
    this.#child.stdin?.end();
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.kill(), STOP_GRACE_MS);
    await this.#exitPromise;
    clearTimeout(timer);
  }
}
