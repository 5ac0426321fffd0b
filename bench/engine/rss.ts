import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** Resident memory of a process and everything it started (Linux /proc), in MiB. */
export interface TreeMemory {
  /** Sum of VmRSS over the process and its descendants. */
  readonly rssMiB: number;
  /** The largest single process's VmRSS (the engine itself when a launcher wraps it). */
  readonly largestMiB: number;
  /** Sum of VmHWM (each process's own peak) over the tree. */
  readonly peakMiB: number;
  readonly processes: number;
}

function statusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // exited between listing and reading
  }
}

function children(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const task of tasks) {
    try {
      const list = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (list) out.push(...list.split(/\s+/).map(Number));
    } catch {
      // the thread ended
    }
  }
  return out;
}

export function treeMemory(root: number): TreeMemory {
  const pids = [root];
  let i = 0;
  while (i < pids.length) pids.push(...children(pids[i++] ?? 0)); // grows while it is walked
  let rss = 0;
  let peak = 0;
  let largest = 0;
  for (const pid of pids) {
    const r = statusKiB(pid, 'VmRSS');
    rss += r;
    largest = Math.max(largest, r);
    peak += statusKiB(pid, 'VmHWM');
  }
  const mib = (kib: number): number => Math.round((kib / 1024) * 10) / 10;
  return { rssMiB: mib(rss), largestMiB: mib(largest), peakMiB: mib(peak), processes: pids.length };
}

/** Samples the tree every `everyMs` and keeps the highest sum seen. */
export class MemorySampler {
  private timer: NodeJS.Timeout | undefined;
  maxRssMiB = 0;
  constructor(
    private readonly pid: number,
    everyMs = 100,
  ) {
    this.timer = setInterval(() => {
      this.maxRssMiB = Math.max(this.maxRssMiB, treeMemory(this.pid).rssMiB);
    }, everyMs);
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

let ticksPerSecond: number | undefined;

/**
 * CPU time (user + system, ms) a process has used, its waited-for children included: what start-up
 * costs, far less disturbed than wall time by other processes on a shared machine.
 */
export function cpuMs(pid: number): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14 … cstime 17.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(f[i] ?? 0), 0);
    return Math.round((ticks / ticksPerSecond) * 1000);
  } catch {
    return NaN; // exited
  }
}
