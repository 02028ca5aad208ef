/**
 * /proc readers of the bench: CPU ticks of processes, threads and the host, RSS, child pids.
 * No imports but node:fs, so that bench/observe.ts can use them inside every target process.
 */
import { readFileSync } from 'node:fs';

/** utime + stime of a process and its threads, in clock ticks (fields 14, 15 of /proc/PID/stat). */
export const cpuTicks = (pid: number): number => statTicks(`/proc/${pid}/stat`);

/** utime + stime of one thread of a process (the main thread's tid is the pid). */
export const threadCpuTicks = (pid: number, tid: number): number => statTicks(`/proc/${pid}/task/${tid}/stat`);

function statTicks(path: string): number {
  const stat = readFileSync(path, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Busy CPU ticks of the whole host so far (all cores: /proc/stat's first line, user to steal, less idle and iowait). */
export function hostBusyTicks(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  return f.reduce((a, b) => a + b, 0) - f[3]! - f[4]!;
}

export const TICK_US = 1e6 / 100; // USER_HZ is 100 on Linux

export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** The direct children of a process (the workers of `serve --workers N`). */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
