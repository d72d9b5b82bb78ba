import type { TokenizerId } from "../model/governor.ts";

// What every tokenizer (bpe.ts, simple.ts) offers; tokenizer.ts picks one by id.

/**
 * Exact counts over one text, by UTF-16 range. Built once per file so that ranges are counted
 * from prefix sums instead of re-tokenizing; every answer equals `count(text.slice(s, e))`.
 */
export type TextIndex = {
  /** Exact size of text[s, e). */
  count(s: number, e: number): number;
  /**
   * Cheap approximation of count(s, e) from the file-wide index (exact when both ends are
   * tokenizer boundaries). Only for rejecting: a wrong rejection splits more, never overflows.
   */
  estimate(s: number, e: number): number;
  /**
   * The largest end m in (s, e] with count(s, m) <= budget that does not cut a surrogate pair,
   * preferring the tokenizer's own boundaries; at least one code point, so loops always advance.
   */
  fitEnd(s: number, e: number, budget: number): number;
  /** Done with this index: the tokenizer may reuse its arrays for the next text; never use it after. */
  release(): void;
};

/** A way of counting: one per governor tokenizer id. */
export type Tokenizer = {
  readonly id: TokenizerId;
  /** Exact size of a whole text. */
  count(text: string): number;
  /** An index of `text` for exact range counts. */
  index(text: string): TextIndex;
};
