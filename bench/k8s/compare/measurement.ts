/** What the comparison prints for one system at one N. */
export interface Measurement {
  name: string;
  runs: number;
  /** First submission until the last run finished. */
  wallMs: number;
  /** API-server writes from the first submission until the controller went quiet, by client. */
  writesByClient: Record<string, number>;
  /** CPU of the controller (Cyclone: its API process and Postgres) over the same window. */
  cpuSeconds: number;
  /** Per run: submission accepted until its pod was seen. */
  submitToPod: number[];
  /** Per run: its pod seen ended until the run was finished. */
  exitToFinished: number[];
  peakRssBytes: number;
}

export const runsPerMinute = (m: Measurement) => (m.runs / m.wallMs) * 60_000;
