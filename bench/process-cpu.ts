// CPU time of a process and all its descendants, from Linux's /proc: how busy the browser (its renderer, GPU
// and worker threads together) is while a page is supposed to be idle.
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks a second of /proc's times (USER_HZ, 100 on Linux's supported architectures). */
const TICKS_PER_SECOND = 100;

/** User plus system CPU seconds used so far by `rootPid` and every process below it. */
export function treeCpuSeconds(rootPid: number): number {
  const parentOf = new Map<number, number>();
  const ticksOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // the process ended while the list was read
    }
    // Fields after the command name, which may hold spaces and parentheses: state, ppid, ..., utime (14), stime (15).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    parentOf.set(Number(entry), Number(fields[1]));
    ticksOf.set(Number(entry), Number(fields[11]) + Number(fields[12]));
  }
  let ticks = 0;
  for (const [pid, used] of ticksOf) {
    let ancestor: number | undefined = pid;
    while (ancestor !== undefined && ancestor !== rootPid && ancestor > 1) ancestor = parentOf.get(ancestor);
    if (ancestor === rootPid) ticks += used;
  }
  return ticks / TICKS_PER_SECOND;
}

/** The share of one core used by `rootPid`'s tree in each of `seconds` one-second intervals from now. */
export async function cpuSharePerSecond(rootPid: number, seconds: number): Promise<number[]> {
  const shares: number[] = [];
  let before = treeCpuSeconds(rootPid);
  let start = performance.now();
  for (let k = 0; k < seconds; k++) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const [used, now] = [treeCpuSeconds(rootPid), performance.now()];
    shares.push((used - before) / ((now - start) / 1_000));
    [before, start] = [used, now];
  }
  return shares;
}
