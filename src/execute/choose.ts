import * as v from "valibot";
import type { DiscoveredFile } from "../model/file.ts";
import type { Executor } from "./executor.ts";
import { createInlineExecutor } from "./inline.ts";
import { createPool, type PoolOptions } from "./pool.ts";

/** `--executor`: auto picks inline for jobs too small to repay starting workers. */
export const ExecutorChoiceSchema = v.picklist(["auto", "inline", "workers"]);
export type ExecutorChoice = v.InferOutput<typeof ExecutorChoiceSchema>;

/** Below this many input bytes, auto runs inline: starting workers and loading parsers in them costs more. */
export const AUTO_INLINE_BYTES = 1 << 20;

/** The executor for a run, and why it was chosen (shown in the summary). */
export function chooseExecutor(
  choice: ExecutorChoice,
  files: readonly DiscoveredFile[],
  pool: PoolOptions,
): { executor: Executor; reason: string } {
  if (choice === "inline") return { executor: createInlineExecutor(), reason: "--executor inline" };
  if (choice === "workers") return { executor: createPool(pool), reason: "--executor workers" };
  const bytes = files.reduce((sum, f) => sum + f.size, 0);
  if (files.length < 2)
    return {
      executor: createInlineExecutor(),
      reason: `auto: ${files.length === 0 ? "no files" : "a single file"} (workers cannot share it)`,
    };
  if (bytes < AUTO_INLINE_BYTES)
    return { executor: createInlineExecutor(), reason: `auto: ${(bytes / 2 ** 20).toFixed(2)} MiB is below 1 MiB` };
  return { executor: createPool(pool), reason: "auto" };
}
