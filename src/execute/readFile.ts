import { readFileSync } from "node:fs";
import type { DiscoveredFile } from "../model/file.ts";
import type { Governor } from "../model/governor.ts";
import type { FileResult } from "../model/result.ts";
import { errorMessage } from "../model/errors.ts";
import { chunkFile } from "./chunkFile.ts";

/** Reads one file and chunks it; a read error becomes a failure record naming the file. */
export function readAndChunk(file: DiscoveredFile, governor: Governor): FileResult {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file.absPath);
  } catch (err) {
    return { status: "failed", index: file.index, failure: { path: file.path, stage: "read", code: (err as NodeJS.ErrnoException).code ?? "read-error", message: errorMessage(err) } };
  }
  return chunkFile(file, bytes, governor);
}
