import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from "node:fs";
import type { DiscoveredFile, DiscoveryOptions, SkipReason } from "../model/file.ts";
import { contentSkip, HEAD_BYTES } from "./content.ts";
import { detectByName, detectByShebang, needsShebang } from "./detect.ts";
import { fsPath } from "./pathBytes.ts";
import { describe, notRegular, type Entry } from "./walk.ts";

type Skip = { reason: SkipReason; detail: string };

/** The outcome of inspecting one file: a file to chunk, or a skip, with the language either way. */
export type Inspected = { kind: "file"; file: Omit<DiscoveredFile, "index"> } | ({ kind: "skip"; language: string } & Skip);

/** The limits readers apply to a file's content (the same as discovery's). */
export type ContentLimits = Pick<DiscoveryOptions, "maxFileSize" | "skipMinified">;

// O_NOFOLLOW: discovery resolved any link it chose to follow, so a link here appeared since the
// walk and is refused. O_NONBLOCK: a file replaced by a FIFO since the walk must not block the open.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** Opens a file found by discovery and checks it is still a regular file within the size limit. */
function openChecked(abs: string, maxFileSize: number): { fd: number; size: number } | Skip {
  let fd: number;
  try {
    fd = openSync(fsPath(abs), OPEN_FLAGS);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ELOOP") return { reason: "symlink-not-followed", detail: "became a symbolic link after discovery; not followed" };
    if (code === "ENOENT" || code === "ENOTDIR") return { reason: "not-found", detail: `vanished after discovery: ${describe(err)}` };
    return { reason: "unreadable", detail: `cannot be opened: ${describe(err)}` };
  }
  const st = fstatSync(fd);
  const skip: Skip | undefined = !st.isFile()
    ? notRegular(st)
    : st.size > maxFileSize ? { reason: "too-large", detail: `${st.size} bytes, over the --max-file-size limit of ${maxFileSize}` } : undefined;
  if (skip) {
    closeSync(fd);
    return skip;
  }
  return { fd, size: st.size };
}

/** Fills `into` from the start of the file; returns the number of bytes read (fewer at end of file). */
function readInto(fd: number, into: Uint8Array): number {
  let n = 0;
  while (n < into.length) {
    const got = readSync(fd, into, n, into.length - n, n);
    if (got === 0) break;
    n += got;
  }
  return n;
}

/**
 * Reads a discovered file whole with the checks discovery makes when `checkContent` is on
 * (still a regular file, not a symlink, within the size limit, readable, text, not minified):
 * the reader to use when discovery ran with `checkContent` off. Never throws.
 */
export function readFileChecked(file: Pick<DiscoveredFile, "absPath">, limits: ContentLimits): { bytes: Uint8Array } | Skip {
  const opened = openChecked(file.absPath, limits.maxFileSize);
  if ("reason" in opened) return opened;
  try {
    const bytes = new Uint8Array(opened.size);
    const n = readInto(opened.fd, bytes);
    const content = contentSkip(bytes.subarray(0, Math.min(n, HEAD_BYTES)), limits.skipMinified);
    return content ?? { bytes: n === bytes.length ? bytes : bytes.subarray(0, n) };
  } catch (err) {
    return { reason: "unreadable", detail: `cannot be read: ${describe(err)}` };
  } finally {
    closeSync(opened.fd);
  }
}

/**
 * Decides one walked file's size, language and fate. With `checkContent`, opens it and reads at
 * most HEAD_BYTES (into `buffer`, reused across calls); without, only stats it, unless its name
 * has no extension and only a shebang can tell its language.
 */
export function inspectFile(entry: Entry, opts: DiscoveryOptions, buffer: Uint8Array): Inspected {
  const byName = detectByName(entry.path, opts.map);
  let language = byName?.language ?? "text";
  let source: DiscoveredFile["languageSource"] = byName?.source ?? "default";
  const skip = (s: Skip): Inspected => ({ kind: "skip", language, ...s });
  const file = (size: number): Inspected => ({ kind: "file", file: { path: entry.path, absPath: entry.abs, language, languageSource: source, size } });
  const wantsShebang = !byName && needsShebang(entry.path);
  if (!opts.checkContent && !wantsShebang) {
    let size = entry.size;
    if (size === undefined) {
      try {
        size = lstatSync(fsPath(entry.abs)).size;
      } catch (err) {
        return skip({ reason: "not-found", detail: `vanished during the walk: ${describe(err)}` });
      }
    }
    return size > opts.maxFileSize ? skip({ reason: "too-large", detail: `${size} bytes, over the --max-file-size limit of ${opts.maxFileSize}` }) : file(size);
  }
  const opened = openChecked(entry.abs, opts.maxFileSize);
  if ("reason" in opened) return skip(opened);
  try {
    const head = buffer.subarray(0, opened.size === 0 ? 0 : readInto(opened.fd, buffer.subarray(0, Math.min(HEAD_BYTES, opened.size))));
    if (wantsShebang) {
      const id = detectByShebang(head);
      if (id) {
        language = id;
        source = "shebang";
      }
    }
    const content = contentSkip(head, opts.skipMinified);
    return content ? skip(content) : file(opened.size);
  } catch (err) {
    return skip({ reason: "unreadable", detail: `cannot be read: ${describe(err)}` });
  } finally {
    closeSync(opened.fd);
  }
}
