import type { DiscoveredFile, SkipRecord } from "../model/file.ts";
import type { Degradation, FailureRecord, FileResult, RecoveredRegion, Recovery } from "../model/result.ts";
import { emptyTally, tally } from "./tally.ts";

/**
 * The run's books, kept by the consumer of results independently of the executor: what came back
 * for each submitted file. `unaccounted` and `duplicates` must both be empty at the end of a complete
 * run (submitted = chunked + skipped + failed); anything else is a loss and exits 3.
 */
export type Ledger = {
  record(result: FileResult): void;
  /** A chunked file whose records came from the cache (--cache), counted like `record` would. */
  recordCached(file: CachedCounts): void;
  readonly chunked: number;
  readonly chunks: number;
  readonly bytes: number;
  readonly delivered: number;
  readonly failures: readonly FailureRecord[];
  readonly skips: readonly SkipRecord[];
  /** Chunked files whose bytes are not all valid UTF-8 (their chunks carry `invalid_utf8`). */
  readonly invalidUtf8: number;
  /** Files chunked, but not as asked (their parser could not be loaded), and why. */
  readonly degradations: readonly Degradation[];
  /** Files chunked partly by delimiter rules because of syntax errors, and where. */
  readonly recoveries: readonly Recovery[];
  /** Results for a file already delivered, or for a file never submitted. */
  readonly duplicates: readonly string[];
  /** Paths of submitted files with no result, in order. */
  unaccounted(): string[];
};

/** What the ledger needs of a file whose records came from the cache. */
type CachedCounts = {
  index: number;
  path: string;
  chunkCount: number;
  invalidUtf8: boolean;
  recovered?: readonly RecoveredRegion[];
};

/** A ledger for these files. */
export function createLedger(files: readonly DiscoveredFile[]): Ledger {
  const sizes = new Map(files.map((f) => [f.index, f.size]));
  const seen = new Set<number>();
  const ledger = {
    ...emptyTally(),
    invalidUtf8: 0,
    get delivered(): number {
      return this.chunked + this.skipped + this.failed;
    },
    failures: [] as FailureRecord[],
    skips: [] as SkipRecord[],
    degradations: [] as Degradation[],
    recoveries: [] as Recovery[],
    duplicates: [] as string[],
    record(result: FileResult) {
      if (seen.has(result.index) || !sizes.has(result.index)) {
        ledger.duplicates.push(result.status === "failed" ? result.failure.path : result.path);
        return;
      }
      seen.add(result.index);
      tally(ledger, sizes.get(result.index)!, result);
      if (result.status === "chunked") {
        if (result.chunks.some((c) => c.invalid_utf8 !== undefined)) ledger.invalidUtf8++;
        if (result.degraded !== undefined) ledger.degradations.push({ path: result.path, reason: result.degraded });
        if (result.recovered) ledger.recoveries.push({ path: result.path, regions: result.recovered });
      } else if (result.status === "skipped")
        ledger.skips.push({ path: result.path, reason: result.reason, detail: result.detail });
      else ledger.failures.push(result.failure);
    },
    recordCached(file: CachedCounts) {
      if (seen.has(file.index) || !sizes.has(file.index)) {
        ledger.duplicates.push(file.path);
        return;
      }
      seen.add(file.index);
      ledger.chunked++;
      ledger.chunks += file.chunkCount;
      ledger.bytes += sizes.get(file.index)!;
      if (file.invalidUtf8) ledger.invalidUtf8++;
      if (file.recovered) ledger.recoveries.push({ path: file.path, regions: [...file.recovered] });
    },
    unaccounted: () => files.filter((f) => !seen.has(f.index)).map((f) => f.path),
  };
  return ledger;
}
