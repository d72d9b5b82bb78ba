import * as v from "valibot";
import { SkipRecordSchema } from "../model/file.ts";
import { FailureRecordSchema } from "../model/result.ts";

const count = v.pipe(v.number(), v.integer(), v.minValue(0));

/** What `--summary-json` writes (and the stderr summary shows): the run's counts and outcome. */
export const SummarySchema = v.object({
  /** "complete", or why the run stopped early. */
  outcome: v.picklist(["complete", "interrupted", "output-closed", "error"]),
  exitCode: count,
  executor: v.picklist(["inline", "workers"]),
  /** Why this executor ran (e.g. "auto: 0.3 MB is below 1 MB"). */
  executorReason: v.string(),
  workers: count,
  /** Files discovered; accounting holds when submitted = chunked + skipped + failed. */
  submitted: count,
  chunked: count,
  skipped: count,
  failed: count,
  chunks: count,
  bytes: count,
  seconds: v.number(),
  mbPerSecond: v.number(),
  failures: v.array(FailureRecordSchema),
  skips: v.array(SkipRecordSchema),
  /** Files with no result at all (must be empty; non-empty means exit 3). */
  unaccounted: v.array(v.string()),
});
export type Summary = v.InferOutput<typeof SummarySchema>;

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

/** The one-line human summary for stderr. */
export function formatSummary(s: Summary): string {
  const executor = s.executor === "workers" ? `${s.workers} workers` : "inline";
  const stopped = s.outcome === "complete" ? "" : ` (${s.outcome})`;
  return `weft: ${s.submitted} files: ${s.chunked} chunked, ${s.skipped} skipped, ${s.failed} failed; ${s.chunks} chunks; ${mb(s.bytes)} MB in ${s.seconds.toFixed(2)} s (${s.mbPerSecond.toFixed(1)} MB/s); executor ${executor} (${s.executorReason})${stopped}\n`;
}
