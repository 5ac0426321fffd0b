import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../bin/voiceassist-server.mjs', import.meta.url));

export type Spawned = Readonly<{
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}>;

/** Runs the real `voiceassist-server` bin as a child process. */
export function runBin(args: string[], env: NodeJS.ProcessEnv = {}): Spawned {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Resolves with the URL from `listening on http://HOST:PORT`, or rejects if the process exits. */
export async function waitForListening(s: Spawned): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = /listening on (http:\/\/\S+)/.exec(s.stdout());
      if (m?.[1]) {
        s.child.stdout?.off('data', check);
        resolve(m[1]);
      }
    };
    s.child.stdout?.on('data', check);
    void s.exited.then((code) =>
      reject(new Error(`server exited (${code}) before listening: ${s.stderr()}`)),
    );
  });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
