/**
 * The shapes every suite, peer and report shares. A suite returns `CaseResult`s; the harness
 * (`harness.ts`) makes them from timed functions, and adapters (`suites.ts`) make them from the
 * plain objects other suite modules return.
 */

/** Who ran a case: reckit itself, or a peer measured side by side in the same run. */
export type Implementation =
  | 'reckit'
  | 'reckit-reference'
  | 'tfjs-wasm'
  | 'tfjs-cpu'
  | 'ml-matrix'
  | 'ml-kmeans'
  | 'scikit-learn'
  | 'node-http'
  | (string & {});

/** Summary of the timed runs of one case, in seconds. */
export interface TimeSummary {
  median: number;
  min: number;
  max: number;
  /** Every timed run (warm-up runs excluded), in run order. */
  samples: number[];
}

export interface CaseResult {
  suite: string;
  /** Cases with the same `group` do the same work; peer/reckit ratios are taken within a group. */
  group: string;
  /** Short unique label inside the suite, e.g. "top-10 all users". */
  name: string;
  impl: Implementation;
  dataset: string;
  /** Human-readable size: "610 users x 9,742 items x 100 factors", "100,836 ratings". */
  size: string;
  /** Kernel backend or peer backend: native, reference, wasm, cpu, numpy ... */
  backend: string;
  threads: number;
  warmup: number;
  runs: number;
  /** Null when the case failed before any timed run. */
  seconds: TimeSummary | null;
  /**
   * Peak resident set size in MiB while the case ran: the process high-water mark when the case
   * raised it, otherwise the highest sample (lower bound). Peers in a child process report their own.
   */
  peakRssMiB: number | null;
  /** Accuracy and throughput figures next to the time: rmse, mae, inertia, reqPerSec, p99Ms ... */
  metrics: Record<string, number>;
  /** Set when the case failed; the run goes on and the report lists it. */
  error?: string | undefined;
  /** Caveats a reader needs: fallbacks, what differs from the reckit case. */
  notes?: string | undefined;
}

/** Options every suite accepts. */
export interface SuiteOptions {
  /** Small sizes and few runs: the CI variant, under 3 minutes for all suites together. */
  quick: boolean;
  /** Folder holding the datasets ($RECKIT_DATA_DIR). */
  dataDir: string;
  /** Timed runs per case (warm-up excluded). */
  runs?: number | undefined;
  /** Print one line per case as it finishes. */
  log?: ((line: string) => void) | undefined;
  /** A peer that cannot run here: the report lists it with the reason (never hidden). */
  reportAbsent?: ((peer: string, reason: string) => void) | undefined;
  /** Versions learned while running (a Python peer's scikit-learn, numpy ...). */
  reportVersion?: ((name: string, version: string) => void) | undefined;
}
