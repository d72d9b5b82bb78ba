import { accessSync, closeSync, constants, fstatSync, lstatSync, readSync } from "node:fs";
import type { DiscoveredFile, DiscoveryOptions, SkipReason } from "../model/file.ts";
import { contentSkip, HEAD_BYTES } from "./content.ts";
import { detectByName, detectByShebang, needsShebang } from "./detect.ts";
import { openNoLinks } from "./openNoLinks.ts";
import { fsPath, quotePath } from "./pathBytes.ts";
import { describe, notRegular, type Entry } from "./walk.ts";

type Skip = { reason: SkipReason; detail: string };

/** The outcome of inspecting one file: a file to chunk, or a skip, with the language either way. */
export type Inspected =
  { kind: "file"; file: Omit<DiscoveredFile, "index"> } | ({ kind: "skip"; language: string } & Skip);

/**
 * Opens a file found by discovery, for reading only. No link is followed on the whole path
 * (openNoLinks.ts): discovery resolved any link it chose to follow, so a link here, the file or a
 * directory above it, appeared since the walk and is refused (ELOOP). Non-blocking: a file
 * replaced by a FIFO since the walk must not block the open. Throws the open's error.
 */
export function openDiscovered(abs: string): number {
  return openNoLinks(abs);
}

/** The skip for a file whose open failed at discovery (or that was found unreadable there). */
function openSkip(err: unknown, path?: string, abs?: string): Skip {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ELOOP") return linkAppeared(err, path, abs);
  if (code === "ENOENT" || code === "ENOTDIR") return vanished(err);
  return { reason: "unreadable", detail: `cannot be opened: ${describe(err)}` };
}

/**
 * The skip for a file that became a symbolic link after the walk, or whose path passes through a
 * directory that did (an ELOOP from openDiscovered, whose `component` then names it). `path` and
 * `abs` are the file's path as shown and as opened: the directory is named as shown when it can be.
 */
export function linkAppeared(err?: unknown, path?: string, abs?: string): Skip {
  const component = (err as { component?: string } | undefined)?.component;
  if (component === undefined)
    return { reason: "symlink-not-followed", detail: "became a symbolic link after discovery; not followed" };
  const below = abs?.startsWith(`${component}/`) ? abs.slice(component.length) : undefined;
  const shown = below !== undefined && path?.endsWith(below) ? path.slice(0, -below.length) || component : component;
  return {
    reason: "symlink-not-followed",
    detail: `directory ${quotePath(shown)} on its path became a symbolic link after discovery; not followed`,
  };
}

/** The skip for a file gone since the walk (it, or a directory above it). */
export function vanished(err: unknown): Skip {
  return { reason: "not-found", detail: `vanished after discovery: ${describe(err)}` };
}

/** The skip for a file over --max-file-size. */
export function tooLarge(size: number, maxFileSize: number): Skip {
  return { reason: "too-large", detail: `${size} bytes, over the --max-file-size limit of ${maxFileSize}` };
}

/** Opens a file found by discovery and checks it is still a regular file within the size limit. */
function openChecked(path: string, abs: string, maxFileSize: number): { fd: number; size: number } | Skip {
  let fd: number;
  try {
    fd = openDiscovered(abs);
  } catch (err) {
    return openSkip(err, path, abs);
  }
  const st = fstatSync(fd);
  const skip: Skip | undefined = !st.isFile()
    ? notRegular(st)
    : st.size > maxFileSize
      ? tooLarge(st.size, maxFileSize)
      : undefined;
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
 * Decides one walked file's size, language and fate. With `checkContent`, opens it and reads at
 * most HEAD_BYTES (into `buffer`, reused across calls); without, only stats it and checks it may
 * be read (access(2)), unless its name has no extension and only a shebang can tell its language;
 * the reader then makes the content checks (chunkers/readFile.ts).
 */
export function inspectFile(entry: Entry, opts: DiscoveryOptions, buffer: Uint8Array): Inspected {
  const byName = detectByName(entry.path, opts.map);
  let language = byName?.language ?? "text";
  let source: DiscoveredFile["languageSource"] = byName?.source ?? "default";
  const skip = (s: Skip): Inspected => ({ kind: "skip", language, ...s });
  const file = (size: number): Inspected => ({
    kind: "file",
    file: { path: entry.path, absPath: entry.abs, language, languageSource: source, size },
  });
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
    if (size > opts.maxFileSize) return skip(tooLarge(size, opts.maxFileSize));
    // The content is checked when the file is read for chunking, so it is opened once; whether it
    // may be read at all is known without opening it, and is reported as the open would.
    try {
      accessSync(fsPath(entry.abs), constants.R_OK);
    } catch (err) {
      return skip(openSkip(err));
    }
    return file(size);
  }
  const opened = openChecked(entry.path, entry.abs, opts.maxFileSize);
  if ("reason" in opened) return skip(opened);
  try {
    const head = buffer.subarray(
      0,
      opened.size === 0 ? 0 : readInto(opened.fd, buffer.subarray(0, Math.min(HEAD_BYTES, opened.size))),
    );
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
