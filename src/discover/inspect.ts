import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import type { DiscoveredFile, SkipReason } from "../model/file.ts";
import { contentSkip, HEAD_BYTES } from "./content.ts";
import { detectByName, detectByShebang, needsShebang } from "./detect.ts";
import { describe, notRegular, type Entry } from "./walk.ts";

/** The outcome of opening one file: a file to chunk, or a skip, with the language either way. */
export type Inspected =
  | { kind: "file"; file: Omit<DiscoveredFile, "index"> }
  | { kind: "skip"; language: string; reason: SkipReason; detail: string };

// O_NONBLOCK: a file replaced by a FIFO after readdir must not block the open.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/**
 * Opens a file the walk found, checks that it is still a regular file, takes its size, and reads
 * at most HEAD_BYTES to decide its language (shebang) and whether its content is chunkable.
 * `buffer` is scratch space of HEAD_BYTES, reused across calls.
 */
export function inspectFile(entry: Entry, map: Readonly<Record<string, string>>, maxFileSize: number, skipMinified: boolean, buffer: Uint8Array): Inspected {
  const byName = detectByName(entry.path, map);
  let language = byName?.language ?? "text";
  let source: DiscoveredFile["languageSource"] = byName?.source ?? "default";
  const skip = (reason: SkipReason, detail: string): Inspected => ({ kind: "skip", language, reason, detail });
  let fd: number;
  try {
    fd = openSync(entry.abs, entry.noFollow ? OPEN_FLAGS | constants.O_NOFOLLOW : OPEN_FLAGS);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ELOOP") return skip("symlink-not-followed", "became a symbolic link during the walk; not followed");
    if (code === "ENOENT") return skip("not-found", `vanished during the walk: ${describe(err)}`);
    return skip("unreadable", `cannot be opened: ${describe(err)}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      const r = notRegular(st);
      return skip(r.reason, r.detail);
    }
    if (st.size > maxFileSize) return skip("too-large", `${st.size} bytes, over the --max-file-size limit of ${maxFileSize}`);
    let n: number;
    try {
      n = st.size === 0 ? 0 : readSync(fd, buffer, 0, Math.min(HEAD_BYTES, buffer.length), 0);
    } catch (err) {
      return skip("unreadable", `cannot be read: ${describe(err)}`);
    }
    const head = buffer.subarray(0, n);
    if (!byName && needsShebang(entry.path)) {
      const id = detectByShebang(head);
      if (id) {
        language = id;
        source = "shebang";
      }
    }
    const content = contentSkip(head, skipMinified);
    if (content) return skip(content.reason, content.detail);
    return { kind: "file", file: { path: entry.path, absPath: entry.abs, language, languageSource: source, size: st.size } };
  } finally {
    closeSync(fd);
  }
}
