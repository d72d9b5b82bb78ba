import { closeSync, fstatSync, readFileSync } from "node:fs";
import { contentSkip, HEAD_BYTES } from "../discover/content.ts";
import { linkAppeared, openDiscovered, tooLarge, vanished } from "../discover/inspect.ts";
import { describe, notRegular } from "../discover/walk.ts";
import { errorMessage } from "../model/errors.ts";
import type { DiscoveredFile, ReadLimits, SkipRecord } from "../model/file.ts";
import { failedResult, skippedResult, type FileResult } from "../model/result.ts";

/**
 * Reads a discovered file whole, the one time it is opened when discovery ran with `checkContent`
 * off: `limits` then makes discovery's checks here, on the bytes read (too large, binary,
 * minified), with the same reasons and details. Without `limits` discovery made them already.
 * Opened like discovery opens (no link followed, no FIFO blocking). A file gone since discovery
 * (it, or a directory above it) is skipped as not-found, one that may not be read as unreadable;
 * any other read error (it became a directory: EISDIR) is a failure with its errno code.
 */
export function readDiscovered(file: DiscoveredFile, limits?: ReadLimits): { bytes: Uint8Array } | FileResult {
  const skipped = (s: Pick<SkipRecord, "reason" | "detail">) => skippedResult(file, s);
  let fd: number;
  try {
    fd = openDiscovered(file.absPath);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ELOOP"
      ? skipped(linkAppeared(err, file.path, file.absPath))
      : readError(file, err);
  }
  try {
    const st = fstatSync(fd);
    // A directory is read, and fails as one (EISDIR); a FIFO or device is never read.
    if (!st.isFile() && !st.isDirectory()) return skipped(notRegular(st));
    if (limits && st.size > limits.maxFileSize) return skipped(tooLarge(st.size, limits.maxFileSize));
    const bytes: Uint8Array = readFileSync(fd);
    const content = limits ? contentSkip(bytes.subarray(0, HEAD_BYTES), limits.skipMinified) : undefined;
    return content ? skipped(content) : { bytes };
  } catch (err) {
    return readError(file, err);
  } finally {
    closeSync(fd);
  }
}

function readError(file: DiscoveredFile, err: unknown): FileResult {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR") return skippedResult(file, vanished(err));
  if (code === "EACCES" || code === "EPERM")
    return skippedResult(file, { reason: "unreadable", detail: `cannot be read: ${describe(err)}` });
  const message = `cannot be read: ${code ? describe(err) : errorMessage(err)}`; // one line either way
  return failedResult(file, "read", code ?? "read-error", message);
}
