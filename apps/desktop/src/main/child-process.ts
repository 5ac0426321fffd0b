import { spawn, type StdioOptions } from 'node:child_process';
import type { ChildHandle, KillSignal, Launch } from './supervisor.js';

export interface NodeChildOptions {
  readonly args?: readonly string[];
  readonly execArgv?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly stdio?: 'inherit' | 'ignore';
}

/**
 * A plain Node child with an IPC channel, in its own process group so `kill` reaches everything it
 * started. Used where Electron is absent (tests, running the engine under plain Node); Electron
 * itself uses utility-process.ts.
 */
export function nodeChildLauncher(script: string, options: NodeChildOptions = {}): Launch {
  return () => {
    const out = options.stdio ?? 'ignore';
    const stdio: StdioOptions = ['ignore', out, out, 'ipc'];
    const child = spawn(
      process.execPath,
      [...(options.execArgv ?? []), script, ...(options.args ?? [])],
      {
        stdio,
        env: options.env ?? process.env,
        detached: true, // own process group: kill(-pid) ends grandchildren too
      },
    );
    child.on('error', () => undefined); // reported through 'exit'
    const handle: ChildHandle = {
      get pid() {
        return child.pid;
      },
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => {
        if (child.exitCode !== null || child.signalCode !== null)
          listener(child.exitCode, child.signalCode);
        else child.once('exit', listener);
      },
      postMessage: (message) => {
        if (child.connected) child.send(message as object);
      },
      kill: (signal: KillSignal) => killGroup(child.pid, signal, () => child.kill(signal)),
    };
    return handle;
  };
}

function killGroup(pid: number | undefined, signal: KillSignal, fallback: () => void): void {
  if (pid === undefined) return; // never started
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, signal);
  } catch {
    fallback(); // group already gone, or no groups on this platform
  }
}
