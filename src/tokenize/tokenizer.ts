import type { TokenizerId } from "../model/governor.ts";
import { bpeTokenizer } from "./bpe.ts";
import { bytesTokenizer, charsTokenizer } from "./simple.ts";

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

const cache = new Map<TokenizerId, Tokenizer>();

/** The tokenizer for an id (created once per process; the BPE tables load on first use). */
export function tokenizerFor(id: TokenizerId): Tokenizer {
  let t = cache.get(id);
  if (!t) {
    t = id === "bytes" ? bytesTokenizer() : id === "chars" ? charsTokenizer() : bpeTokenizer(id);
    cache.set(id, t);
  }
  return t;
}

/** Forgets every tokenizer (and so its piece memo), as in a fresh process. For benchmarks. */
export function resetTokenizers(): void {
  cache.clear();
}

/** True when position p of `text` sits between the two halves of a surrogate pair. */
export function insidePair(text: string, p: number): boolean {
  const c = text.charCodeAt(p - 1);
  return c >= 0xd800 && c <= 0xdbff && p < text.length;
}

/**
 * Binary search for the largest m in (lo, hi] (never inside a surrogate pair) with
 * fits(m); returns lo when none fits. `fits` need not be monotone: the answer is always checked.
 */
export function searchFit(text: string, lo: number, hi: number, fits: (m: number) => boolean): number {
  let good = lo;
  let a = lo + 1;
  let b = hi;
  while (a <= b) {
    let mid = (a + b) >>> 1;
    if (insidePair(text, mid)) mid = mid + 1 <= b ? mid + 1 : mid - 1;
    if (mid < a || mid > b) break;
    if (fits(mid)) {
      good = mid;
      a = mid + 1;
    } else b = mid - 1;
  }
  return good;
}

/** End of the code point that starts at s. */
export function nextCodePoint(text: string, s: number): number {
  return insidePair(text, s + 1) ? s + 2 : s + 1;
}
