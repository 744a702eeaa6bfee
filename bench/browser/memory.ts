// The memory of Chromium's processes, from /proc (Linux): what the browser benchmarks report as peak
// memory. The figure is the sum of proportional set sizes (PSS: each shared page divided among the
// processes that map it), the physical memory they use between them; the sum of resident sets, which
// counts Chromium's shared code once per process, is kept beside it as an upper bound.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcessMemory {
  /** e.g. "renderer", "gpu-process", "browser" (the process with no --type). */
  name: string;
  rssMiB: number;
  /** Proportional set size: each shared page divided among the processes that map it. */
  pssMiB: number;
}

/**
 * Memory of the Chromium processes this process started (its descendants), from /proc (Linux): on a
 * machine shared with other browsers, theirs are not counted.
 */
export function chromiumProcesses(root = process.pid): ProcessMemory[] {
  const table = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length >= 3);
  const parentOf = new Map(table.map(([pid, ppid]) => [Number(pid), Number(ppid)]));
  const descends = (pid: number) => {
    for (let at = parentOf.get(pid); at !== undefined && at > 1; at = parentOf.get(at)) if (at === root) return true;
    return false;
  };
  const processes: ProcessMemory[] = [];
  for (const [pid, , command, ...args] of table) {
    if (!/chrom/i.test(command) || !descends(Number(pid))) continue;
    let rollup: string;
    try {
      rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    } catch {
      continue; // The process ended between ps and the read.
    }
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? 0);
    const type = args.find((arg) => arg.startsWith('--type='))?.slice('--type='.length) ?? 'browser';
    const utility = args.find((arg) => arg.startsWith('--utility-sub-type='))?.split('.').at(-1);
    processes.push({ name: utility ?? type, rssMiB: kib('Rss') / 1024, pssMiB: kib('Pss') / 1024 });
  }
  return processes;
}

/** Peak memory of Chromium's processes together while a benchmark runs, sampled. */
export class PeakSampler {
  peakPssMiB = 0;
  peakRssMiB = 0;
  atPeak: ProcessMemory[] = [];
  sample(): void {
    const processes = chromiumProcesses();
    const pss = processes.reduce((sum, p) => sum + p.pssMiB, 0);
    this.peakRssMiB = Math.max(this.peakRssMiB, processes.reduce((sum, p) => sum + p.rssMiB, 0));
    if (pss > this.peakPssMiB) [this.peakPssMiB, this.atPeak] = [pss, processes];
  }
  describe(): string {
    const byPss = [...this.atPeak].sort((a, b) => b.pssMiB - a.pssMiB);
    return byPss.map((p) => `${p.name} ${p.pssMiB.toFixed(0)}`).join(', ');
  }
}
