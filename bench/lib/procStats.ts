import { readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** User + system CPU seconds a process has used so far (all its threads). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the ")" of the command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** Resident set size in MiB, from /proc/<pid>/status VmRSS. */
export function rssMiB(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** CPU used by a set of processes over a window, as a fraction of one core. */
export function cpuMeter(pids: Record<string, number>): () => Record<string, number> {
  const start = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
  const startedAt = performance.now();
  return () => {
    const elapsed = (performance.now() - startedAt) / 1000;
    return Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, (cpuSeconds(pid) - start[name]!) / elapsed]));
  };
}

interface CoreTimes {
  /** user + nice + system ticks: time spent running tasks. */
  tasks: number;
  steal: number;
  total: number;
}

function coreTimes(): Map<number, CoreTimes> {
  const cores = new Map<number, CoreTimes>();
  try {
    for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
      const match = /^cpu(\d+) (.*)$/.exec(line);
      if (!match) continue;
      const [user, nice, system, idle, iowait, irq, softirq, steal] = match[2]!.trim().split(/\s+/).map(Number) as number[];
      cores.set(Number(match[1]), {
        tasks: user! + nice! + system!,
        steal: steal ?? 0,
        total: user! + nice! + system! + idle! + iowait! + irq! + softirq! + (steal ?? 0),
      });
    }
  } catch {
    // not Linux: no per-core figures
  }
  return cores;
}

/** Per core over a window: fraction of time running tasks (any process) and stolen by the hypervisor. */
export function coreMeter(): () => Map<number, { tasks: number; steal: number }> {
  const start = coreTimes();
  return () => {
    const end = coreTimes();
    const result = new Map<number, { tasks: number; steal: number }>();
    for (const [core, after] of end) {
      const before = start.get(core);
      if (!before || after.total === before.total) continue;
      const span = after.total - before.total;
      result.set(core, { tasks: (after.tasks - before.tasks) / span, steal: (after.steal - before.steal) / span });
    }
    return result;
  };
}

/**
 * From /proc/<pid>/smaps_rollup: Rss, and LazyFree (pages the process gave back with
 * madvise(MADV_FREE), which V8 uses for freed heap pages: they stay in VmRSS until the kernel
 * needs the memory). Rss − LazyFree is what the process really holds.
 */
export function memoryDetailMiB(pid: number): { rss: number; lazyFree: number; anonymous: number } {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(text)?.[1] ?? Number.NaN) / 1024;
    return { rss: field('Rss'), lazyFree: field('LazyFree'), anonymous: field('Anonymous') };
  } catch {
    return { rss: Number.NaN, lazyFree: Number.NaN, anonymous: Number.NaN };
  }
}
