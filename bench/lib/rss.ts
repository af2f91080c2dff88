import { readFileSync } from 'node:fs';

/** A process's resident set now, in bytes; 0 once it has ended. */
export function rssBytes(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0; // The process ended.
  }
}

/** Samples a process's resident set every 200 ms and keeps the peak. */
export function peakRss(pid: number) {
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, rssBytes(pid));
  };
  sample();
  const timer = setInterval(sample, 200);
  return {
    peakBytes: () => {
      sample();
      return peak;
    },
    stop: () => clearInterval(timer),
  };
}
