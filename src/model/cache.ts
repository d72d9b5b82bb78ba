import * as v from "valibot";

const count = v.pipe(v.number(), v.integer(), v.minValue(0));

/** What the chunk cache (--cache) did in a run: the summary's `cache`. */
export const CacheStatsSchema = v.object({
  dir: v.string(),
  /** The size bound, bytes (--cache-max-size). */
  maxBytes: count,
  /** Files whose records came from the cache (never parsed). */
  hits: count,
  /** Files with no usable entry, chunked in this run. */
  misses: count,
  /** Entries written. */
  written: count,
  /**
   * Entries found corrupt (truncated, torn, altered, forged: records that do not rebuild the file,
   * not a regular file): recomputed, never emitted; the first one, with its path and why.
   */
  corrupt: count,
  corruptFirst: v.optional(v.string()),
  /** Corrupt entries rewritten with the recomputed records (one that cannot be replaced, a directory say, is not). */
  repaired: count,
  /** Entries removed, least recently used first, to keep the cache within `maxBytes`. */
  evicted: count,
  /** Entries that could not be written (a full disk, say), and the first reason. */
  writeErrors: count,
  writeError: v.optional(v.string()),
});
export type CacheStats = v.InferOutput<typeof CacheStatsSchema>;
