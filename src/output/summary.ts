import * as v from "valibot";
import { CacheStatsSchema } from "../model/cache.ts";
import { SkipRecordSchema } from "../model/file.ts";
import { DegradationSchema, FailureRecordSchema, RecoverySchema } from "../model/result.ts";
import { quotePath } from "../discover/pathBytes.ts";

const count = v.pipe(v.number(), v.integer(), v.minValue(0));

/** What `--summary-json` writes (and the stderr summary shows): the run's counts and outcome. */
export const SummarySchema = v.object({
  /** "complete", or why the run stopped early. */
  outcome: v.picklist(["complete", "interrupted", "output-closed", "error"]),
  exitCode: count,
  executor: v.picklist(["inline", "workers"]),
  /** Why this executor ran (e.g. "auto: 0.30 MiB is below 1 MiB, no file reaches 64 KiB"). */
  executorReason: v.string(),
  workers: count,
  /** Files discovered; accounting holds when submitted = chunked + skipped + failed. */
  submitted: count,
  chunked: count,
  skipped: count,
  failed: count,
  /** Chunked files that were not chunked as asked (a parser that could not be loaded); exit 4 when no file failed. */
  degraded: count,
  /**
   * Chunked files whose syntax tree has ERROR regions cut by delimiter rules (the rest followed the
   * tree): chunked as asked, not a degradation (no exit 4). `recoveries` lists where.
   */
  recovered: count,
  /** Chunked files that are not valid UTF-8: their chunks list the replaced bytes in `invalid_utf8`. */
  invalidUtf8: count,
  chunks: count,
  bytes: count,
  seconds: v.number(),
  mbPerSecond: v.number(),
  failures: v.array(FailureRecordSchema),
  skips: v.array(SkipRecordSchema),
  /** Each degraded file with the reason (e.g. the refused cache directory or tampered parser file). */
  degradations: v.array(DegradationSchema),
  /** Each file counted in `recovered`, with the regions (byte and line ranges) delimiter rules cut. */
  recoveries: v.array(RecoverySchema),
  /** Files with no result at all (must be empty; non-empty means exit 3). */
  unaccounted: v.array(v.string()),
  /** With --cache: how many files came from it, were stored, found corrupt, evicted. */
  cache: v.optional(CacheStatsSchema),
});
export type Summary = v.InferOutput<typeof SummarySchema>;

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

/** The one-line human summary for stderr. */
export function formatSummary(s: Summary): string {
  const executor = s.executor === "workers" ? `${s.workers} workers` : "inline";
  const stopped = s.outcome === "complete" ? "" : ` (${s.outcome})`;
  const notes = [
    s.degraded > 0 ? `${s.degraded} not as asked` : "",
    s.invalidUtf8 > 0 ? `${s.invalidUtf8} not valid UTF-8` : "",
    s.recovered > 0 ? `${s.recovered} with syntax errors cut by delimiter rules in part` : "",
  ].filter(Boolean);
  const degraded = notes.length > 0 ? ` (${notes.join(", ")})` : "";
  const cached = s.cache ? ` (${s.cache.hits} from cache)` : "";
  return `weft: ${s.submitted} files: ${s.chunked} chunked${cached}${degraded}, ${s.skipped} skipped, ${s.failed} failed; ${s.chunks} chunks; ${mb(s.bytes)} MB in ${s.seconds.toFixed(2)} s (${s.mbPerSecond.toFixed(1)} MB/s); executor ${executor} (${s.executorReason})${stopped}\n`;
}

/** Skips counted per reason, in reason order: "binary 2, minified 1". */
export function countByReason(skips: readonly { reason: string }[]): string {
  const counts = new Map<string, number>();
  for (const s of skips) counts.set(s.reason, (counts.get(s.reason) ?? 0) + 1);
  return [...counts]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([reason, n]) => `${reason} ${n}`)
    .join(", ");
}

/** The one stderr line about skipped files: how many for each reason, and where to see them (`listedIn`: the --skipped file, when given). */
export function formatSkips(skips: readonly { reason: string }[], listedIn?: string): string {
  const where =
    listedIn === undefined
      ? "list them with --skipped FILE or `weft files --skipped`"
      : `listed in ${quotePath(listedIn)}`;
  return `weft: skipped ${skips.length} ${skips.length === 1 ? "file" : "files"} (${countByReason(skips)}); ${where}\n`;
}
