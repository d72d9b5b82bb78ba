import * as v from "valibot";

/** Tokenizers weft can count with. `chars` counts non-whitespace characters (cAST). */
export const TokenizerIdSchema = v.picklist(["o200k", "cl100k", "chars", "bytes"]);
export type TokenizerId = v.InferOutput<typeof TokenizerIdSchema>;

/** The chunk budget and how it is counted: the single source of truth for chunk sizes. */
export const GovernorSchema = v.object({
  maxTokens: v.pipe(v.number(), v.integer(), v.minValue(1)),
  tokenizer: TokenizerIdSchema,
  /** Add a `context` header field; the budget then covers header + content. */
  context: v.boolean(),
  /** Lines of preceding text to put in `overlap_before` (0 = off). */
  overlapLines: v.pipe(v.number(), v.integer(), v.minValue(0)),
  /**
   * How units are packed into chunks: `greedy` (default, also when absent) fills each chunk in
   * turn; `anchored` keeps the fewest chunks and picks each cut by the text around it
   * (chunkers/pack.ts). Not a CLI option: the edit-stability benchmark (tests/bench/stability.ts)
   * compares the two, and anchored did not change fewer chunks on real version pairs.
   */
  packing: v.optional(v.picklist(["anchored", "greedy"])),
});
export type Governor = v.InferOutput<typeof GovernorSchema>;

/** The default governor: 512 o200k tokens, no context, no overlap. */
export const DEFAULT_GOVERNOR: Governor = { maxTokens: 512, tokenizer: "o200k", context: false, overlapLines: 0 };
