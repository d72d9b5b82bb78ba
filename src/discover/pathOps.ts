// Path operations that keep every code unit. Bun 1.4.4's node:path functions return every lone
// surrogate as U+FFFD, which would turn a name that is not UTF-8 (kept as U+DC80..U+DCFF, see
// pathBytes.ts) into one that names no file. A path holding such bytes (only POSIX systems have
// them) goes through the POSIX operations below, written to give node:path.posix's results; any other
// path goes through node:path, so nothing changes for it on any platform.
import * as native from "node:path";
import { hasRawBytes } from "./pathBytes.ts";

/** path.normalize. */
export function normalize(p: string): string {
  return hasRawBytes(p) ? posixNormalize(p) : native.normalize(p);
}

/** path.resolve(base, p) for an absolute `base`. */
export function resolve(base: string, p: string): string {
  return hasRawBytes(base) || hasRawBytes(p) ? posixResolve(base, p) : native.resolve(base, p);
}

/** path.basename. */
export function basename(p: string): string {
  return hasRawBytes(p) ? posixBasename(p) : native.basename(p);
}

/** path.dirname. */
export function dirname(p: string): string {
  return hasRawBytes(p) ? posixDirname(p) : native.dirname(p);
}

/** path.isAbsolute (it only looks at the first characters: nothing to lose). */
export function isAbsolute(p: string): boolean {
  return native.isAbsolute(p);
}

/** path.posix.normalize: resolves `.` and `..` and repeated slashes, keeps a trailing slash. */
export function posixNormalize(p: string): string {
  if (p === "") return ".";
  const absolute = p.charCodeAt(0) === 0x2f;
  const out: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg !== "..") out.push(seg);
    else if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
    else if (!absolute) out.push("..");
  }
  const trailing = p.endsWith("/") ? "/" : "";
  if (out.length === 0) return absolute ? "/" : `.${trailing}`;
  return (absolute ? "/" : "") + out.join("/") + trailing;
}

/** path.posix.resolve(base, p) for an absolute `base`: absolute, normalized, no trailing slash. */
export function posixResolve(base: string, p: string): string {
  const n = posixNormalize(p.charCodeAt(0) === 0x2f ? p : `${base}/${p}`);
  return n.length > 1 && n.endsWith("/") ? n.slice(0, -1) : n;
}

/** path.posix.basename: the last component, trailing slashes ignored. */
export function posixBasename(p: string): string {
  let end = p.length;
  while (end > 1 && p.charCodeAt(end - 1) === 0x2f) end--;
  const trimmed = p.slice(0, end);
  return trimmed === "/" ? "" : trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

/** path.posix.dirname: everything before the last component (node's algorithm, slashes kept as they are). */
export function posixDirname(p: string): string {
  if (p === "") return ".";
  const rooted = p.charCodeAt(0) === 0x2f;
  let end = -1;
  let inName = false;
  for (let i = p.length - 1; i >= 1; i--) {
    if (p.charCodeAt(i) !== 0x2f) inName = true;
    else if (inName) {
      end = i;
      break;
    }
  }
  if (end === -1) return rooted ? "/" : ".";
  return rooted && end === 1 ? "//" : p.slice(0, end);
}
