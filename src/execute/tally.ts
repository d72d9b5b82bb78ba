import type { FileResult } from "../model/result.ts";

/**
 * How many files ended each way, their chunks, and the input bytes (sizes at discovery) of the files
 * chunked or failed: a skipped file was never chunked, whether discovery or the reader skipped it.
 */
export type Tally = { chunked: number; skipped: number; failed: number; chunks: number; bytes: number };

/** A tally with every count at zero. */
export function emptyTally(): Tally {
  return { chunked: 0, skipped: 0, failed: 0, chunks: 0, bytes: 0 };
}

/** Adds one delivered result, of a file of `size` bytes, to the tally. */
export function tally(t: Tally, size: number, result: FileResult): void {
  if (result.status !== "skipped") t.bytes += size;
  if (result.status === "chunked") {
    t.chunked++;
    t.chunks += result.chunks.length;
  } else if (result.status === "skipped") t.skipped++;
  else t.failed++;
}
