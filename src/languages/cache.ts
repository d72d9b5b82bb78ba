import {
  accessSync,
  chmodSync,
  closeSync,
  constants,
  existsSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { homedir, tmpdir } from "node:os";
import { basename, isAbsolute, join } from "node:path";
import { WeftError } from "../model/errors.ts";

/** sha256 of bytes, hex. */
export function sha256(bytes: Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
}

type Env = Record<string, string | undefined>;

/**
 * The parser cache directory: $WEFT_CACHE_DIR, else $XDG_CACHE_HOME/weft, else ~/.cache/weft
 * (%LOCALAPPDATA%\weft on Windows); when that cannot be created or written, a per-user directory
 * in the temp directory. A relative XDG_CACHE_HOME is ignored, as the XDG spec requires. An explicit WEFT_CACHE_DIR never falls back, and a directory that exists
 * but is insecure is refused rather than silently avoided, so the user learns about it.
 */
export function cacheDir(env: Env = process.env): string {
  if (env.WEFT_CACHE_DIR) return ensurePrivateDir(env.WEFT_CACHE_DIR);
  try {
    return ensurePrivateDir(defaultCacheDir(env));
  } catch (err) {
    if (err instanceof WeftError && err.code === "cache-insecure") throw err;
    return ensurePrivateDir(join(tmpdir(), `weft-${process.getuid?.() ?? env.USERNAME ?? "user"}`));
  }
}

function defaultCacheDir(env: Env): string {
  if (process.platform === "win32" && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, "weft");
  const xdg = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : undefined;
  return join(xdg ?? join(env.HOME || homedir(), ".cache"), "weft");
}

/**
 * Creates dir (0700) if needed; refuses a directory owned by another user or writable by group or
 * others, since whoever can write there can make weft load their native code. On Windows, where
 * POSIX modes mean nothing, the per-user profile's ACLs are relied on instead.
 */
export function ensurePrivateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = statSync(dir);
  if (!st.isDirectory())
    throw new WeftError(
      "cache-insecure",
      "cache path is not a directory; refusing to load native code from it; fix: remove it, or set WEFT_CACHE_DIR to a directory of yours",
      dir,
    );
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw new WeftError(
      "cache-insecure",
      `cache directory is owned by another user (uid ${st.uid}, you are ${uid}); refusing to load native code from it; fix: set WEFT_CACHE_DIR to a directory of yours`,
      dir,
    );
  }
  if (process.platform !== "win32" && (st.mode & 0o022) !== 0) {
    throw new WeftError(
      "cache-insecure",
      `cache directory is writable by group or others (mode ${(st.mode & 0o777).toString(8)}); refusing to load native code from it; fix: chmod 700 ${dir}`,
      dir,
    );
  }
  accessSync(dir, constants.W_OK);
  return dir;
}

/** The content-addressed cache path of a native library: its name plus a prefix of its sha256, then `ext`. */
export function cachedParserPath(dir: string, name: string, hash: string, ext = ".so"): string {
  return join(dir, `${name}-${hash.slice(0, 32)}${ext}`);
}

/**
 * Returns the cache path of native library `name` (a parser, or the napi addon with `ext` ".node")
 * whose content has sha256 `hash`, verified right now, so the caller can load it at once.
 * `readBytes` (the embedded file) is read only when the cache lacks a good copy:
 * - missing: written atomically (readers never see a partial file);
 * - truncated (a strict prefix of the expected bytes, e.g. a disk that filled up): repaired;
 * - any other content: refused, since something replaced a native library in a private directory.
 */
export function installParser(
  dir: string,
  name: string,
  hash: string,
  readBytes: () => Uint8Array,
  ext = ".so",
): string {
  const target = cachedParserPath(dir, name, hash, ext);
  const found = ownFileHash(target);
  if (found === hash) return target;
  const bytes = readBytes();
  if (sha256(bytes) !== hash)
    throw new WeftError(
      "parser-corrupt",
      `embedded native code for ${name} does not match its build-time sha256 (a damaged weft binary: download it again)`,
      target,
    );
  const existing = found === null ? null : readOwnFile(target);
  if (existing !== null && !(existing.length < bytes.length && isPrefix(existing, bytes))) {
    throw new WeftError(
      "cache-tampered",
      `cached native code was replaced by different bytes (sha256 mismatch); refusing to load it; fix: delete the file and weft writes it again`,
      target,
    );
  }
  try {
    writeAtomically(target, bytes);
  } catch (err) {
    // Another weft process may have just put the same file there (Windows refuses to rename over
    // a read-only file); that copy is as good as ours, and is verified below.
    if (ownFileHash(target) === null) throw err;
  }
  if (ownFileHash(target) !== hash)
    throw new WeftError(
      "cache-tampered",
      "cached native code changed while it was being written; refusing to load it",
      target,
    );
  return target;
}

/**
 * Installs native library `name` like installParser, then returns a path that makes `dlopen` /
 * `process.dlopen` load exactly the bytes whose sha256 was just checked (`file`: the cache file,
 * for messages), so that a file renamed over the cache path between the check and the load is
 * never what runs (issue 23, point 1):
 * - Linux: the descriptor that was hashed, as `/proc/self/fd/N`. The descriptor stays open for the
 *   life of the process: glibc finds an already loaded library by the name it was opened with, so
 *   a closed and reused number would hand back the wrong library.
 * - elsewhere (or without /proc): the hashed bytes, written to a fresh file in a new private
 *   directory that this process created; `loaded()` removes it once loaded (Windows keeps a loaded
 *   DLL's file: it is removed by a later run).
 * `via` is for tests, which check the copy on Linux too.
 */
export function installForLoading(
  dir: string,
  name: string,
  hash: string,
  readBytes: () => Uint8Array,
  ext = ".so",
  via: "descriptor" | "copy" = procFd() ? "descriptor" : "copy",
): { path: string; file: string; loaded: () => void } {
  const target = cachedParserPath(dir, name, hash, ext);
  const keepBytes = via === "copy";
  let opened = openHashed(target, keepBytes);
  if (opened?.hash !== hash) {
    if (opened) closeSync(opened.fd);
    installParser(dir, name, hash, readBytes, ext);
    opened = openHashed(target, keepBytes);
    if (opened?.hash !== hash) {
      if (opened) closeSync(opened.fd);
      throw new WeftError(
        "cache-tampered",
        "cached native code changed right after it was checked; refusing to load it",
        target,
      );
    }
  }
  if (!keepBytes) {
    HELD_DESCRIPTORS.push(opened.fd);
    return { path: `/proc/self/fd/${opened.fd}`, file: target, loaded: () => {} };
  }
  closeSync(opened.fd);
  return { ...privateCopy(dir, basename(target), opened.bytes!), file: target };
}

/** Descriptors of loaded libraries (see installForLoading): never closed. */
const HELD_DESCRIPTORS: number[] = [];

function procFd(): boolean {
  return process.platform === "linux" && existsSync("/proc/self/fd");
}

/** Opens a cache file without following links and hashes what the descriptor reads; null when absent. */
function openHashed(path: string, keepBytes: boolean): { fd: number; hash: string; bytes?: Uint8Array } | null {
  if (!checkOwnFile(path)) return null;
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  try {
    // The lstat above and the open are two steps: check what was opened.
    const st = fstatSync(fd);
    const uid = process.getuid?.();
    if (!st.isFile() || (uid !== undefined && st.uid !== uid))
      throw new WeftError(
        "cache-tampered",
        "cached native code is not a regular file owned by you; refusing to load it; fix: delete it and weft writes it again",
        path,
      );
    const hasher = new Bun.CryptoHasher("sha256");
    const parts: Uint8Array[] = [];
    for (let n = readSync(fd, HASH_BLOCK); n > 0; n = readSync(fd, HASH_BLOCK)) {
      hasher.update(HASH_BLOCK.subarray(0, n));
      if (keepBytes) parts.push(HASH_BLOCK.slice(0, n));
    }
    return { fd, hash: hasher.digest("hex"), ...(keepBytes ? { bytes: Buffer.concat(parts) } : {}) };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/** Writes `bytes` to a new file in a new private directory of the cache; removes older ones first. */
function privateCopy(dir: string, name: string, bytes: Uint8Array): { path: string; loaded: () => void } {
  for (const old of readdirSync(dir).filter((f) => f.startsWith("load-"))) {
    try {
      if (Date.now() - lstatSync(join(dir, old)).mtimeMs > 600_000) rmSync(join(dir, old), { recursive: true });
    } catch {
      /* still loaded by a running weft (Windows), or already gone */
    }
  }
  const own = mkdtempSync(join(dir, "load-"));
  const path = join(own, name);
  writeFileSync(path, bytes, { flag: "wx", mode: 0o500 });
  return {
    path,
    loaded: () => {
      try {
        rmSync(own, { recursive: true, force: true });
      } catch {
        /* Windows: the DLL is in use; a later run removes it */
      }
    },
  };
}

/** Reads a cache file; null when absent. Refuses anything but a regular file of ours (no symlinks). */
function readOwnFile(path: string): Uint8Array | null {
  return checkOwnFile(path) ? readFileSync(path) : null;
}

const HASH_BLOCK = new Uint8Array(1 << 20);

/**
 * sha256 of a cache file, read in 1 MiB blocks (hashing the 8.7 MB addon this way took 7 ms against
 * 46 ms for a whole-file read, median of 21, mostly the big allocation); null when absent.
 */
function ownFileHash(path: string): string | null {
  if (!checkOwnFile(path)) return null;
  const hasher = new Bun.CryptoHasher("sha256");
  // O_NOFOLLOW: a link swapped in after the check is refused by the open itself (ELOOP).
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  try {
    for (let n = readSync(fd, HASH_BLOCK); n > 0; n = readSync(fd, HASH_BLOCK))
      hasher.update(HASH_BLOCK.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hasher.digest("hex");
}

/** False when `path` is absent; throws unless it is a regular file of ours (no symlinks). */
function checkOwnFile(path: string): boolean {
  let st;
  try {
    st = lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
  const uid = process.getuid?.();
  if (!st.isFile() || (uid !== undefined && st.uid !== uid)) {
    throw new WeftError(
      "cache-tampered",
      "cached native code is not a regular file owned by you; refusing to load it; fix: delete it and weft writes it again",
      path,
    );
  }
  return true;
}

function isPrefix(prefix: Uint8Array, whole: Uint8Array): boolean {
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== whole[i]) return false;
  return true;
}

/** Writes to a unique temp name in the same directory, fsyncs, then renames over the target. */
function writeAtomically(target: string, bytes: Uint8Array): void {
  const tmp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const fd = openSync(tmp, "wx", 0o600);
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    chmodSync(tmp, 0o500);
    renameSync(tmp, target);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw err;
  }
}
