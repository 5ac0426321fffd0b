import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

/**
 * Test support (used only by *.test.ts): a real X server (Debian `xvfb`) on a display number it
 * picks itself (`-displayfd`, so parallel runs never collide), and key injection with `xdotool`.
 */
export const XVFB = '/usr/bin/Xvfb';
export const XDOTOOL = '/usr/bin/xdotool';
export const HAVE_X_TOOLS = existsSync(XVFB) && existsSync(XDOTOOL);

const run = promisify(execFile);

export interface TestDisplay {
  /** e.g. ":101" */
  readonly display: string;
  readonly pid: number;
  /** Runs xdotool against this display, e.g. `xdotool('keydown', 'ctrl', 'keydown', 'F9')`. */
  xdotool(...args: string[]): Promise<void>;
  close(): Promise<void>;
}

export async function startXvfb(): Promise<TestDisplay> {
  const child: ChildProcess = spawn(XVFB, ['-displayfd', '3', '-nolisten', 'tcp', '-noreset'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const fd3 = child.stdio[3];
  if (fd3 === null || fd3 === undefined || !('on' in fd3))
    throw new Error('Xvfb: no displayfd pipe');
  const number = await new Promise<string>((resolve, reject) => {
    let out = '';
    fd3.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      if (out.includes('\n')) resolve(out.trim());
    });
    child.once('exit', (code) => reject(new Error(`Xvfb exited (${String(code)}): ${stderr}`)));
    child.once('error', reject);
  });
  const display = `:${number}`;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    display,
    pid: child.pid ?? -1,
    async xdotool(...args: string[]): Promise<void> {
      await run(XDOTOOL, args, { env: { ...process.env, DISPLAY: display } });
    },
    async close(): Promise<void> {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** True while a process with this pid exists (signal 0 only checks). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
