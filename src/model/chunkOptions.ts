import type { ExecutorChoice } from "../execute/choose.ts";
import type { FaultSpec } from "../execute/faults.ts";
import type { Format } from "../output/formats.ts";
import type { DiscoveryOptions } from "./file.ts";
import type { Governor } from "./governor.ts";

// The options of one `weft chunk` run as plain data: built by commands/commandOptions.ts, run by
// commands/runChunk.ts, and read by cache/key.ts (which options make up an entry's key).

/** Everything `weft chunk` needs, already validated. */
export type ChunkOptions = {
  discovery: DiscoveryOptions;
  format: Format;
  executor: ExecutorChoice;
  /** Worker count (default: available cores). */
  workers?: number;
  /** Per-file timeout in the worker pool, ms (0 = none). */
  timeoutMs: number;
  quiet: boolean;
  summaryJson?: string;
  /** Write every skip (discovery's and the chunker's) to this file as JSON Lines. */
  skippedFile?: string;
  governor: Governor;
  /** Test-only fault hook, never set by the CLI. */
  faults?: readonly FaultSpec[];
  /** Where output goes (default 1, stdout). */
  outFd?: number;
  /** --cache DIR: reuse the records of files already chunked, bounded to maxBytes (--cache-max-size). */
  cache?: { dir: string; maxBytes: number };
};
