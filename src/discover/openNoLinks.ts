// Opening a discovered file without following a symbolic link anywhere on its path. O_NOFOLLOW
// guards only the last component: a directory swapped for a link after discovery would lead the
// open outside the roots. node:fs has no openat, so libc's is called through bun:ffi (libc is
// already loaded in the process: nothing new is loaded), one component at a time, each relative to
// the descriptor of its parent, with O_NOFOLLOW. What is opened is what the path names now, and no
// link can take part. Windows has no openat: there only the last component is guarded (docs/discovery.md).
import { dlopen, FFIType, read } from "bun:ffi";
import { closeSync, constants, lstatSync, openSync } from "node:fs";
import { constants as os } from "node:os";
import { getSystemErrorMessage, getSystemErrorName } from "node:util";
import { encodePath, fsPath } from "./pathBytes.ts";

/** The flags and names that differ between the platforms that have openat. */
const PLATFORM = {
  // O_PATH: a directory may be passed through without read permission, as path lookup allows.
  linux: { lib: "libc.so.6", errno: "__errno_location", atCwd: -100, dirExtra: 0x200000, cloexec: 0x80000 },
  darwin: { lib: "/usr/lib/libSystem.B.dylib", errno: "__error", atCwd: -2, dirExtra: 0, cloexec: 0x1000000 },
} as const;

type Libc = { openat(dir: number, name: Uint8Array, flags: number): number; close(fd: number): void; errno(): number };

let libc: Libc | null | undefined;

/** libc's openat, close and errno, or null where there is none (Windows) or it cannot be bound. */
function bind(): Libc | null {
  const p = PLATFORM[process.platform as keyof typeof PLATFORM];
  if (!p) return null;
  try {
    const { symbols } = dlopen(p.lib, {
      openat: { args: [FFIType.i32, FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
      close: { args: [FFIType.i32], returns: FFIType.i32 },
      [p.errno]: { args: [], returns: FFIType.ptr },
    });
    const errnoAt = symbols[p.errno] as () => number | null;
    return {
      openat: (dir, name, flags) => symbols.openat(dir, name, flags),
      close: (fd) => void symbols.close(fd),
      errno: () => read.i32(errnoAt()!, 0),
    };
  } catch {
    return null;
  }
}

/** Whether opens are checked component by component on this platform (false: last component only). */
export function opensBeneath(): boolean {
  return (libc ??= bind()) !== null;
}

/** The last directory opened, held so the files of one directory (discovery's order) cost one openat each. */
let held: { dir: string; fd: number } | undefined;

/**
 * Opens the file at `abs` (absolute, as discovery resolved it: no symbolic link on it) for reading,
 * non-blocking (a FIFO must not hang the open), following no link: each directory is opened
 * relative to its parent's descriptor with O_NOFOLLOW | O_DIRECTORY, then the file with
 * O_NOFOLLOW. Throws an errno error like node:fs does (`code`, `path`); a directory on the way that
 * is now a symbolic link gives ELOOP with `component` set to its path.
 */
export function openNoLinks(abs: string): number {
  const c = (libc ??= bind());
  const base = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
  if (c === null) return openSync(fsPath(abs), base);
  const p = PLATFORM[process.platform as keyof typeof PLATFORM];
  const slash = abs.lastIndexOf("/");
  if (slash < 0 || abs[0] !== "/") throw errnoError("ENOENT", abs);
  const dir = abs.slice(0, slash) || "/";
  const name = cString(abs.slice(slash + 1));
  const reused = held?.dir === dir;
  let fd = reused ? c.openat(held!.fd, name, base | p.cloexec) : -1;
  let code = reused && fd < 0 ? nameOf(c.errno()) : "";
  // Not held, or held but the name is gone from it: the directory may have been replaced since it
  // was opened (deleted and made again), so it is opened afresh from "/" before giving up.
  if (!reused || code === "ENOENT") {
    if (held) c.close(held.fd);
    held = undefined; // a failed open below leaves nothing held
    held = { dir, fd: openDir(c, p, dir) };
    fd = c.openat(held.fd, name, base | p.cloexec);
    code = fd < 0 ? nameOf(c.errno()) : "";
  }
  if (fd < 0) throw errnoError(code, abs);
  return fd;
}

/** Opens the directory `dir` from "/" down, one component at a time, never following a link. */
function openDir(c: Libc, p: (typeof PLATFORM)[keyof typeof PLATFORM], dir: string): number {
  const flags = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_DIRECTORY | p.dirExtra | p.cloexec;
  let fd = c.openat(p.atCwd, cString("/"), flags);
  if (fd < 0) throw errnoError(nameOf(c.errno()), "/");
  let at = "";
  for (const name of dir.split("/")) {
    if (name === "" || name === ".") continue;
    at += `/${name}`;
    const next = c.openat(fd, cString(name), flags);
    const code = next < 0 ? nameOf(c.errno()) : "";
    c.close(fd);
    if (next < 0) {
      // O_NOFOLLOW | O_DIRECTORY on a link gives ENOTDIR (Linux) or ELOOP: say which it was.
      if ((code === "ENOTDIR" || code === "ELOOP") && isLink(at))
        throw Object.assign(errnoError("ELOOP", at), { component: at });
      throw errnoError(code, at);
    }
    fd = next;
  }
  return fd;
}

function isLink(path: string): boolean {
  try {
    return lstatSync(fsPath(path)).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The NUL-terminated bytes of a path or name (names that are not UTF-8 keep their bytes). */
function cString(s: string): Uint8Array {
  const bytes = encodePath(s);
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
}

function nameOf(errno: number): string {
  try {
    return getSystemErrorName(-errno);
  } catch {
    return `E${errno}`;
  }
}

/** An error shaped like node:fs's ("ENOENT: no such file or directory, open '/x'"), so callers and describe() treat it alike. */
function errnoError(code: string, path: string): NodeJS.ErrnoException {
  const n = (os.errno as Record<string, number | undefined>)[code];
  const text = n === undefined ? code : getSystemErrorMessage(-n);
  return Object.assign(new Error(`${code}: ${text}, open '${path}'`), { code, path, syscall: "open" });
}
