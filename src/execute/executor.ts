import type { DiscoveredFile } from "../model/file.ts";
import type { Governor } from "../model/governor.ts";
import type { FileResult } from "../model/result.ts";

/** Counts at the end of a run; accounting holds when submitted = chunked + skipped + failed. */
export type RunStats = {
  executor: "inline" | "workers";
  workers: number;
  submitted: number;
  chunked: number;
  skipped: number;
  failed: number;
  chunks: number;
  bytes: number;
};

/**
 * Moves files to `chunkFile` and results back, nothing else. Both implementations (inline.ts,
 * pool.ts) deliver every file's result to `onResult` exactly once, in file-index order.
 */
export type Executor = {
  readonly kind: "inline" | "workers";
  readonly workers: number;
  run(files: readonly DiscoveredFile[], governor: Governor, onResult: (result: FileResult) => void | Promise<void>): Promise<RunStats>;
  close(): Promise<void>;
};
