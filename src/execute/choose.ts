import * as v from "valibot";
import type { DiscoveredFile } from "../model/file.ts";
import type { Executor } from "./executor.ts";
import { createInlineExecutor } from "./inline.ts";
import { createPool, type PoolOptions } from "./pool.ts";

/** `--executor`: auto picks inline for jobs too small to repay starting workers. */
export const ExecutorChoiceSchema = v.picklist(["auto", "inline", "workers"]);
export type ExecutorChoice = v.InferOutput<typeof ExecutorChoiceSchema>;

/** Below this many input bytes, auto may run inline: starting workers and loading parsers in them costs more. */
export const AUTO_INLINE_BYTES = 1 << 20;

/**
 * ...and only when every file is under this size. A file is chunked synchronously, so on the main
 * thread a signal is seen only between files: 64 KiB of Python took about 0.25 s to chunk here (1 MiB
 * took 1.4-3 s), so Ctrl-C is acted on within a fraction of a second. A worker costs about 0.1 s more
 * to start (tiny file: 0.32 s on one worker, 0.24 s inline, medians of 3).
 */
export const AUTO_INLINE_FILE_BYTES = 64 << 10;

/** The executor for a run, and why it was chosen (shown in the summary). */
export function chooseExecutor(
  choice: ExecutorChoice,
  files: readonly DiscoveredFile[],
  pool: PoolOptions,
): { executor: Executor; reason: string } {
  if (choice === "inline") return { executor: createInlineExecutor(), reason: "--executor inline" };
  if (choice === "workers") return { executor: createPool(pool), reason: "--executor workers" };
  if (files.length === 0) return { executor: createInlineExecutor(), reason: "auto: no files" };
  const bytes = files.reduce((sum, f) => sum + f.size, 0);
  const largest = files.reduce((max, f) => Math.max(max, f.size), 0);
  const mib = (n: number) => `${(n / 2 ** 20).toFixed(2)} MiB`;
  if (bytes < AUTO_INLINE_BYTES && largest < AUTO_INLINE_FILE_BYTES)
    return {
      executor: createInlineExecutor(),
      reason: `auto: ${mib(bytes)} is below 1 MiB, no file reaches 64 KiB`,
    };
  // Workers also keep the main thread free to act on Ctrl-C and SIGTERM at once, not after a file.
  if (bytes < AUTO_INLINE_BYTES)
    return {
      executor: createPool({
        ...pool,
        workers: Math.min(files.length, pool.workers ?? (navigator.hardwareConcurrency || 1)),
      }),
      reason: `auto: a file of ${mib(largest)} reaches 64 KiB (on workers, signals are seen at once)`,
    };
  if (files.length === 1)
    return { executor: createPool({ ...pool, workers: 1 }), reason: "auto: a single file, on one worker" };
  return { executor: createPool(pool), reason: "auto" };
}
