// The memory of Chromium's processes, from /proc (Linux): what the browser benchmarks report as peak
// memory. The figure is the sum of proportional set sizes (PSS: each shared page divided among the
// processes that map it), the physical memory they use between them; the sum of resident sets, which
// counts Chromium's shared code once per process, is kept beside it as an upper bound.
//
// Every read is asynchronous (libuv's thread pool), so that sampling never stalls this process's event
// loop, which serves the pages their stores. A PSS reading walks each process's page tables in the
// kernel (about 40 ms for a 1.2 GB renderer); taken every 500 ms, with `ps` started each time, it held
// the sweep benchmark's store server 22 % of the time and took a fifth of a core (docs/PERFORMANCE.md,
// session 14). So the peak sampler reads resident sets, which the kernel keeps as counters, at every
// tick, and PSS when their total reaches a new high, and every few seconds.
import { readdir, readFile } from 'node:fs/promises';

export interface ProcessMemory {
  /** e.g. "renderer", "gpu-process", "browser" (the process with no --type). */
  name: string;
  rssMiB: number;
  /** Proportional set size: each shared page divided among the processes that map it. */
  pssMiB: number;
}

interface ChromiumProcess {
  pid: number;
  name: string;
}

const PAGE_MIB = 4096 / 1024 ** 2;

/** A /proc file's text, or undefined when the process has ended. */
async function procText(pid: number, file: string): Promise<string | undefined> {
  try {
    return await readFile(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The Chromium processes this process started (its descendants): on a machine shared with other
 * browsers, theirs are not counted.
 */
async function chromiumDescendants(root = process.pid): Promise<ChromiumProcess[]> {
  const pids = (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry)).map(Number);
  const parents = await Promise.all(
    pids.map(async (pid) => {
      const stat = await procText(pid, 'stat');
      // "PID (COMMAND) STATE PPID ...": the command may hold spaces and parentheses, so read after the last ')'.
      return stat === undefined ? undefined : Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    }),
  );
  const parentOf = new Map(pids.flatMap((pid, i) => (parents[i] === undefined ? [] : [[pid, parents[i]] as const])));
  const descends = (pid: number) => {
    for (let at = parentOf.get(pid); at !== undefined && at > 1; at = parentOf.get(at)) if (at === root) return true;
    return false;
  };
  const found = await Promise.all(
    [...parentOf.keys()].filter(descends).map(async (pid): Promise<ChromiumProcess | undefined> => {
      // Chromium's child processes rewrite their command line as one string, its arguments separated by spaces.
      const [command, ...args] = (await procText(pid, 'cmdline'))?.split(/[\0 ]/) ?? [];
      if (!command || !/chrom/i.test(command)) return undefined;
      const type = args.find((arg) => arg.startsWith('--type='))?.slice('--type='.length) ?? 'browser';
      const utility = args.find((arg) => arg.startsWith('--utility-sub-type='))?.split('.').at(-1);
      return { pid, name: utility ?? type };
    }),
  );
  return found.filter((process) => process !== undefined);
}

/** PSS and resident set of each process (smaps_rollup: a walk of its page tables); ended ones left out. */
async function rollups(processes: readonly ChromiumProcess[]): Promise<ProcessMemory[]> {
  const read = await Promise.all(
    processes.map(async ({ pid, name }) => {
      const rollup = await procText(pid, 'smaps_rollup');
      if (rollup === undefined) return undefined;
      const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? 0);
      return { name, rssMiB: kib('Rss') / 1024, pssMiB: kib('Pss') / 1024 };
    }),
  );
  return read.filter((memory) => memory !== undefined);
}

/** The resident sets of the processes together from statm (the kernel's counters, no walk), MiB. */
async function residentTotalMiB(processes: readonly ChromiumProcess[]): Promise<number> {
  const pages = await Promise.all(processes.map(async ({ pid }) => Number((await procText(pid, 'statm'))?.split(' ')[1] ?? 0)));
  return pages.reduce((sum, count) => sum + count, 0) * PAGE_MIB;
}

/** Memory of the Chromium processes this process started, now. */
export async function chromiumProcesses(root = process.pid): Promise<ProcessMemory[]> {
  return rollups(await chromiumDescendants(root));
}

/** The process list is read again this often: Chromium starts its processes early and keeps them. */
const RELIST_MS = 2_000;
/** PSS is read at least this often besides at every new high of the resident total, so that a rise in PSS alone (shared pages losing sharers) is seen. */
const PSS_EVERY_MS = 5_000;

/**
 * Peak memory of Chromium's processes together while a benchmark runs. Resident sets are read at
 * every tick; PSS, the figure reported, whenever their total reaches a new high, and every
 * PSS_EVERY_MS: what rises and falls in a benchmark is private memory, which both count alike.
 */
export class PeakSampler {
  peakPssMiB = 0;
  peakRssMiB = 0;
  atPeak: ProcessMemory[] = [];
  /** PSS readings taken, for the report. */
  pssReadings = 0;
  private processes: ChromiumProcess[] = [];
  private listedAt = Number.NEGATIVE_INFINITY;
  private pssReadAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;

  /** Samples now and every `intervalMs` until stop(), skipping a tick while the last sample is still being read. */
  start(intervalMs = 250): this {
    const tick = () => {
      this.inFlight ??= this.sample().finally(() => (this.inFlight = undefined));
    };
    tick();
    this.timer = setInterval(tick, intervalMs);
    return this;
  }

  /** Stops sampling, after a last sample; again, does nothing. */
  async stop(): Promise<void> {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
    await this.sample();
  }

  describe(): string {
    const byPss = [...this.atPeak].sort((a, b) => b.pssMiB - a.pssMiB);
    return byPss.map((p) => `${p.name} ${p.pssMiB.toFixed(0)}`).join(', ');
  }

  private async sample(): Promise<void> {
    const now = performance.now();
    if (now - this.listedAt >= RELIST_MS) {
      this.processes = await chromiumDescendants();
      this.listedAt = now;
    }
    const resident = await residentTotalMiB(this.processes);
    const newHigh = resident > this.peakRssMiB;
    this.peakRssMiB = Math.max(this.peakRssMiB, resident);
    if (!newHigh && now - this.pssReadAt < PSS_EVERY_MS) return;
    this.pssReadAt = now;
    this.pssReadings++;
    const processes = await rollups(this.processes);
    const pss = processes.reduce((sum, p) => sum + p.pssMiB, 0);
    if (pss > this.peakPssMiB) [this.peakPssMiB, this.atPeak] = [pss, processes];
  }
}
