import { readFileSync } from 'node:fs';

/** Samples a process's resident set every 200 ms and keeps the peak. */
export function peakRss(pid: number) {
  let peak = 0;
  const sample = () => {
    try {
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      if (kb) peak = Math.max(peak, Number(kb) * 1024);
    } catch {
      // The process ended.
    }
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
