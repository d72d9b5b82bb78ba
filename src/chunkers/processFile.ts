import * as v from "valibot";
import { errorMessage } from "../model/errors.ts";
import { isInterrupted } from "../model/interrupt.ts";
import type { DiscoveredFile, ReadLimits } from "../model/file.ts";
import type { Governor } from "../model/governor.ts";
import { describeIssues } from "../model/issues.ts";
import { failedResult, FileResultSchema, type FileResult } from "../model/result.ts";
import { chunkFile } from "./chunkFile.ts";
import { readDiscovered } from "./readFile.ts";

/** How the executor wants a file processed; every field is optional. */
export type ProcessOptions = {
  /** Discovery left the content checks to the reader (see readDiscovered). */
  limits?: ReadLimits;
  /** Test-only: runs inside the per-file try, before reading (the worker's "throw" fault). */
  beforeChunk?: () => void;
};

/**
 * The chunkers' one entry point, what both executors run for each file: read it (once; with
 * `limits` when discovery left the content checks to the reader), chunk it, turn a throw into a
 * failure record, and validate the result against its schema (an invalid one becomes a failure
 * naming the field). The validated copy has its keys in schema order, so inline and worker output
 * serialize identically.
 */
export function processFile(file: DiscoveredFile, governor: Governor, options: ProcessOptions = {}): FileResult {
  let result: FileResult;
  try {
    options.beforeChunk?.();
    const read = readDiscovered(file, options.limits);
    result = "bytes" in read ? chunkFile(file, read.bytes, governor) : read;
  } catch (err) {
    if (isInterrupted(err)) throw err; // the run stops: not this file's failure
    return failedResult(file, "chunk", "chunk-threw", errorMessage(err));
  }
  const parsed = v.safeParse(FileResultSchema, result);
  if (!parsed.success)
    return failedResult(
      file,
      "chunk",
      "invalid-result",
      `the chunker produced an invalid result (${describeIssues(parsed.issues)})`,
    );
  if (parsed.output.index !== file.index)
    return failedResult(
      file,
      "chunk",
      "invalid-result",
      `the chunker returned the result of file #${parsed.output.index}`,
    );
  return parsed.output;
}

/**
 * Chunks a small in-memory sample so one-time costs (loading tokenizer tables, registering parsers)
 * are paid before a worker reports ready, and are never charged to the first real file's timeout.
 */
export function warmUp(governor: Governor): void {
  const text = new TextEncoder().encode("export function warmUp(n: number): number {\n  return n + 1;\n}\n");
  chunkFile(
    {
      index: 0,
      path: "<warm-up>.ts",
      absPath: "",
      language: "typescript",
      languageSource: "extension",
      size: text.length,
    },
    text,
    governor,
  );
}
