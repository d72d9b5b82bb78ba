import { readFileSync } from "node:fs";
import { fsPath } from "../discover/pathBytes.ts";
import { describe } from "../discover/walk.ts";
import { errorMessage } from "../model/errors.ts";
import type { DiscoveredFile } from "../model/file.ts";
import type { Governor } from "../model/governor.ts";
import { failedResult, type FileResult } from "../model/result.ts";
import { chunkFile } from "./chunkFile.ts";

/**
 * Reads one file and chunks it. A file gone since discovery (it, or a directory above it) is
 * skipped as not-found, one that may not be read as unreadable, as discovery would have; any
 * other read error is a failure with its errno code.
 */
export function readAndChunk(file: DiscoveredFile, governor: Governor): FileResult {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(fsPath(file.absPath));
  } catch (err) {
    return readError(file, err);
  }
  return chunkFile(file, bytes, governor);
}

function readError(file: DiscoveredFile, err: unknown): FileResult {
  const code = (err as NodeJS.ErrnoException).code;
  const skipped = (reason: "not-found" | "unreadable", detail: string): FileResult => ({ status: "skipped", index: file.index, path: file.path, reason, detail });
  if (code === "ENOENT" || code === "ENOTDIR") return skipped("not-found", `vanished after discovery: ${describe(err)}`);
  if (code === "EACCES" || code === "EPERM") return skipped("unreadable", `cannot be read: ${describe(err)}`);
  const message = `cannot be read: ${code ? describe(err) : errorMessage(err)}`; // one line either way
  return failedResult(file, "read", code ?? "read-error", message);
}
