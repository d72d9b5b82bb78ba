import * as v from "valibot";
import { StrategySchema } from "./selection.ts";

const count = v.pipe(v.number(), v.integer(), v.minValue(0));

/**
 * One invalid UTF-8 sequence of the file (a maximal invalid subpart, as the WHATWG decoder defines
 * it): `content` shows it as one U+FFFD; these are its bytes on disk.
 */
export const InvalidUtf8Schema = v.object({
  /** Byte offsets into the file on disk, end exclusive (1 to 3 bytes). */
  byte_start: count,
  byte_end: count,
  /** The raw bytes, lower-case hex ("ff", "e4b8"). */
  hex: v.pipe(v.string(), v.regex(/^(?:[0-9a-f]{2}){1,3}$/)),
});
export type InvalidUtf8 = v.InferOutput<typeof InvalidUtf8Schema>;

/**
 * One output record. Field names are the stable public format (see docs/output.md); the core range
 * (byte_start..byte_end, line_start..line_end, content) tiles the file exactly.
 * `content` is the bytes byte_start..byte_end decoded as UTF-8 with replacement (WHATWG
 * TextDecoder, BOM kept): identical to the bytes for valid UTF-8; each invalid sequence becomes
 * one U+FFFD and is listed in `invalid_utf8`, so content plus that list give back the exact bytes.
 */
export const ChunkSchema = v.object({
  /** Stable hash of path, range and content. */
  id: v.string(),
  /**
   * sha256 of the chunk's bytes as on disk (file bytes byte_start..byte_end, invalid UTF-8 included),
   * lower-case hex: the same text anywhere (moved, renamed, another file) has the same hash.
   */
  content_hash: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  path: v.string(),
  language: v.string(),
  strategy: StrategySchema,
  /** Position of this chunk within its file, and the file's chunk count. */
  index: count,
  count: v.pipe(v.number(), v.integer(), v.minValue(1)),
  /** UTF-8 byte offsets into the file on disk, end exclusive. */
  byte_start: count,
  byte_end: count,
  /** 1-based, inclusive. */
  line_start: v.pipe(v.number(), v.integer(), v.minValue(1)),
  line_end: v.pipe(v.number(), v.integer(), v.minValue(1)),
  /** Size under the run's tokenizer (including the context header when it is on). */
  tokens: count,
  /** Top syntax node kinds in the chunk. */
  kinds: v.array(v.string()),
  /** Names defined in the chunk. */
  symbols: v.array(v.string()),
  /** Enclosing scope chain, outermost first, e.g. ["class Parser", "def parse"]. */
  scope: v.array(v.string()),
  /** True when the chunk is a piece of a larger syntax node. */
  partial: v.boolean(),
  /** True when the chunk contains syntax ERROR nodes. */
  has_error: v.boolean(),
  content: v.string(),
  /**
   * Present only when the chunk's bytes hold invalid UTF-8: one entry per U+FFFD of `content` that
   * stands for invalid bytes, in order (a U+FFFD that is in the file as EF BF BD is not listed).
   */
  invalid_utf8: v.optional(v.pipe(v.array(InvalidUtf8Schema), v.minLength(1))),
  /** Optional header to prepend for embedding (--context). Never changes the core range. */
  context: v.optional(v.string()),
  /** Optional preceding lines (--overlap-lines). Never changes the core range. */
  overlap_before: v.optional(v.string()),
});
export type Chunk = v.InferOutput<typeof ChunkSchema>;
