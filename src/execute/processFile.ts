import * as v from "valibot";
import { errorMessage } from "../model/errors.ts";
import type { DiscoveredFile } from "../model/file.ts";
import type { Governor } from "../model/governor.ts";
import { FileResultSchema, type FileResult } from "../model/result.ts";
import { describeIssues } from "./protocol.ts";
import { readAndChunk } from "./readFile.ts";

/**
 * What both executors run for each file: read and chunk it, turn a throw into a failure record, and
 * validate the result against its schema (an invalid one becomes a failure naming the field). The
 * validated copy has its keys in schema order, so inline and worker output serialize identically.
 * `beforeChunk` lets the worker inject its test-only "throw" fault inside the same try.
 */
export function processFile(file: DiscoveredFile, governor: Governor, beforeChunk?: () => void): FileResult {
  let result: FileResult;
  try {
    beforeChunk?.();
    result = readAndChunk(file, governor);
  } catch (err) {
    return failed(file, "chunk-threw", errorMessage(err));
  }
  const parsed = v.safeParse(FileResultSchema, result);
  if (!parsed.success) return failed(file, "invalid-result", `the chunker produced an invalid result (${describeIssues(parsed.issues)})`);
  if (parsed.output.index !== file.index) return failed(file, "invalid-result", `the chunker returned the result of file #${parsed.output.index}`);
  return parsed.output;
}

function failed(file: DiscoveredFile, code: string, message: string): FileResult {
  return { status: "failed", index: file.index, failure: { path: file.path, stage: "chunk", code, message } };
}
