import {
  closeSync,
  constants,
  fstatSync,
  futimesSync,
  lstatSync,
  openSync,
  readdirSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { describe } from "../discover/walk.ts";
import type { CacheStats } from "../model/cache.ts";
import type { FileResult } from "../model/result.ts";
import { decodeEntry, encodeEntry, type CachedFile } from "./entry.ts";
import { createReader } from "./reader.ts";

/** The default bound on the cache's size (entries and their temp files), `--cache-max-size`. */
export const DEFAULT_CACHE_MAX_BYTES = 1024 ** 3;

const ENTRY = /^[0-9a-f]{32}\.wce$/;
const TEMP = /^[0-9a-f]{32}\.wce\.[0-9]+\.[0-9a-z]+\.tmp$/;
/** A temp file this old was left by a run that died before its rename. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/** The entries of one cache directory (already checked by openCacheDir). */
export type EntryStore = {
  readonly stats: CacheStats;
  /** Whether an entry for `key` exists (one directory listing per run, not a stat per file). */
  has(key: string): boolean;
  /**
   * The entry for `key` as `index`'s file (its `jsonl` is valid until the next read); undefined when
   * absent, `corrupt` when it cannot be trusted.
   */
  read(key: string, index: number): CachedFile | { corrupt: string } | undefined;
  /** Stores a chunked result, atomically (temp file in the same directory, then rename); returns whether it was stored. */
  write(key: string, result: Extract<FileResult, { status: "chunked" }>, jsonl: string): boolean;
  /** Removes least recently used entries until the cache is within its bound. */
  evict(): void;
};

/** An entry store for `dir`, bounded to `maxBytes`. */
export function createEntryStore(dir: string, maxBytes: number): EntryStore {
  const stats: CacheStats = {
    dir,
    maxBytes,
    hits: 0,
    misses: 0,
    written: 0,
    corrupt: 0,
    repaired: 0,
    evicted: 0,
    writeErrors: 0,
  };
  const pathOf = (key: string) => join(dir, `${key}.wce`);
  let listed: Set<string> | undefined;
  const readEntryBytes = createReader();
  return {
    stats,
    has(key) {
      listed ??= new Set(readdirSync(dir).filter((n) => ENTRY.test(n)));
      return listed.has(`${key}.wce`);
    },
    read(key, index) {
      let fd: number;
      try {
        // O_NOFOLLOW: an entry that is a symbolic link is refused by the open itself (ELOOP).
        // O_NONBLOCK: a FIFO planted as an entry must not block the open (it is refused below).
        fd = openSync(pathOf(key), constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        return code === "ENOENT" ? undefined : { corrupt: `cannot be opened (${code ?? String(err)})` };
      }
      try {
        const st = fstatSync(fd);
        const uid = process.getuid?.();
        if (!st.isFile() || (uid !== undefined && st.uid !== uid)) return { corrupt: "not a regular file of yours" };
        const entry = decodeEntry(readEntryBytes(fd, st.size), key, index);
        // Reading is use: the entry becomes the most recently used (eviction goes by mtime).
        if (!("corrupt" in entry)) futimesSync(fd, new Date(), new Date());
        return entry;
      } catch (err) {
        return { corrupt: `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
      } finally {
        closeSync(fd);
      }
    },
    write(key, result, jsonl) {
      const parts = encodeEntry(key, result, jsonl);
      if (parts[0].length + parts[1].length > maxBytes) return false; // could never stay
      const target = pathOf(key);
      const tmp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      try {
        const fd = openSync(tmp, "wx", 0o600);
        try {
          for (const bytes of parts)
            for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
        } finally {
          closeSync(fd);
        }
        // Readers see the old entry or the new one, never a partial file; concurrent writers of
        // one key write the same bytes, so whichever rename lands last is as good.
        renameSync(tmp, target);
        stats.written++;
        return true;
      } catch (err) {
        // A full disk costs the cache, not the run: the records are emitted anyway, and the summary says so.
        stats.writeErrors++;
        stats.writeError ??= describe(err);
        try {
          unlinkSync(tmp);
        } catch {
          /* never created, or already gone */
        }
        return false;
      }
    },
    evict() {
      stats.evicted += evict(dir, maxBytes);
    },
  };
}

/**
 * Least recently used first: entries sorted by mtime (set when written and on every hit) are
 * removed, oldest first, until the total size is at most `maxBytes`. Temp files older than an hour
 * (a run that died before its rename) are removed too. Returns how many entries were removed.
 */
function evict(dir: string, maxBytes: number): number {
  const now = Date.now();
  const entries: { path: string; size: number; mtime: number }[] = [];
  let total = 0;
  for (const name of readdirSync(dir)) {
    const entry = ENTRY.test(name);
    if (!entry && !TEMP.test(name)) continue; // not ours: never touched
    const path = join(dir, name);
    try {
      const st = lstatSync(path);
      if (!st.isFile()) continue;
      if (!entry) {
        if (now - st.mtimeMs > STALE_TEMP_MS) unlinkSync(path);
        else total += st.size;
        continue;
      }
      entries.push({ path, size: st.size, mtime: st.mtimeMs });
      total += st.size;
    } catch {
      // Removed by a concurrent run meanwhile.
    }
  }
  if (total <= maxBytes) return 0;
  entries.sort((a, b) => a.mtime - b.mtime || (a.path < b.path ? -1 : 1));
  let removed = 0;
  for (const e of entries) {
    if (total <= maxBytes) break;
    try {
      unlinkSync(e.path);
      removed++;
    } catch {
      // Already removed by a concurrent run: its bytes are gone either way.
    }
    total -= e.size;
  }
  return removed;
}
