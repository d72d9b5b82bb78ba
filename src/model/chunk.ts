import * as v from "valibot";
import { StrategySchema } from "./selection.ts";

const count = v.pipe(v.number(), v.integer(), v.minValue(0));

/**
 * One output record. Field names are the stable public format (see README); the core range
 * (byte_start..byte_end, line_start..line_end, content) tiles the file exactly.
 */
export const ChunkSchema = v.object({
  /** Stable hash of path, range and content. */
  id: v.string(),
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
  /** Optional header to prepend for embedding (--context). Never changes the core range. */
  context: v.optional(v.string()),
  /** Optional preceding lines (--overlap-lines). Never changes the core range. */
  overlap_before: v.optional(v.string()),
});
export type Chunk = v.InferOutput<typeof ChunkSchema>;
