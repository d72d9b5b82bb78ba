import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { WeftError } from "../model/errors.ts";

/** sha256 of bytes, hex. */
export function sha256(bytes: Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
}

/**
 * The parser cache directory: $WEFT_CACHE_DIR, else $XDG_CACHE_HOME/weft, else ~/.cache/weft; when
 * that cannot be made private to this user, a per-user directory in the temp directory.
 * Loading a parser runs native code, so the directory must be ours and not writable by others.
 */
export function cacheDir(env: Record<string, string | undefined> = process.env): string {
  const explicit = env.WEFT_CACHE_DIR;
  if (explicit) return ensurePrivateDir(explicit);
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), ".cache");
  try {
    return ensurePrivateDir(join(base, "weft"));
  } catch (err) {
    if (err instanceof WeftError && err.code === "cache-insecure") throw err;
    const uid = process.getuid?.() ?? "user";
    return ensurePrivateDir(join(tmpdir(), `weft-${uid}`));
  }
}

/** Creates dir (0700) if needed and refuses one owned by another user or writable by others. */
export function ensurePrivateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = statSync(dir);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw new WeftError("cache-insecure", `cache directory is owned by another user (uid ${st.uid}); refusing to load parsers from it`, dir);
  }
  if ((st.mode & 0o022) !== 0) {
    throw new WeftError("cache-insecure", `cache directory is writable by group or others (mode ${(st.mode & 0o777).toString(8)}); run: chmod 700 ${dir}`, dir);
  }
  return dir;
}

/**
 * Puts `bytes` into the cache under a content-addressed name and returns its path, verified:
 * a missing or truncated file (a prefix of the expected bytes, left by a crash) is (re)written
 * atomically; a file with different bytes is refused, since something replaced a native library.
 */
export function extractToCache(dir: string, name: string, bytes: Uint8Array): string {
  const hash = sha256(bytes);
  const target = join(dir, `${name}-${hash.slice(0, 32)}.so`);
  const existing = readIfExists(target);
  if (existing !== null) {
    if (existing.length === bytes.length && sha256(existing) === hash) return target;
    if (!(existing.length < bytes.length && isPrefix(existing, bytes))) {
      throw new WeftError("cache-tampered", `cached parser does not match the one in this binary (sha256 differs); delete it to let weft rewrite it`, target);
    }
  }
  writeAtomically(target, bytes);
  const written = readFileSync(target);
  if (sha256(written) !== hash) throw new WeftError("cache-tampered", "cached parser changed while it was being written", target);
  return target;
}

function readIfExists(path: string): Uint8Array | null {
  try {
    return readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

function isPrefix(prefix: Uint8Array, whole: Uint8Array): boolean {
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== whole[i]) return false;
  return true;
}

/** Writes to a unique temp name in the same directory, fsyncs, then renames: readers never see half a file. */
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
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw err;
  }
}
