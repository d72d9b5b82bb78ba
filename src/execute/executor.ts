import type { DiscoveredFile, ReadLimits } from "../model/file.ts";
import type { Governor } from "../model/governor.ts";
import type { FileResult } from "../model/result.ts";
import { emptyTally, type Tally } from "./tally.ts";

/** Counts at the end of a run; accounting holds when submitted = chunked + skipped + failed. */
export type RunStats = Tally & {
  executor: "inline" | "workers";
  workers: number;
  submitted: number;
  /** Workers only: the most results held at once waiting for an earlier file (bounded by the dispatch window). */
  peakBuffered?: number;
  /** Workers only: workers stopped and replaced because they had chunked their share (PoolOptions.recycleBytes). */
  recycled?: number;
};

/**
 * Per-run options. An aborted signal stops the run: workers are stopped and `run` rejects with code
 * "interrupted". `limits`: discovery ran with `checkContent` off, so the reader makes its checks.
 */
export type RunOptions = { signal?: AbortSignal; limits?: ReadLimits };

/**
 * Moves files to `chunkFile` and results back, nothing else. Both implementations (inline.ts,
 * pool.ts) deliver every file's result to `onResult` exactly once, in the order of `files`
 * (sorted by index), and wait for a returned promise before delivering the next one.
 */
export type Executor = {
  readonly kind: "inline" | "workers";
  readonly workers: number;
  run(
    files: readonly DiscoveredFile[],
    governor: Governor,
    onResult: (result: FileResult) => void | Promise<void>,
    options?: RunOptions,
  ): Promise<RunStats>;
  close(): Promise<void>;
};

/** Stats with every count at zero. */
export function emptyStats(executor: RunStats["executor"], workers: number, submitted: number): RunStats {
  return { executor, workers, submitted, ...emptyTally() };
}
