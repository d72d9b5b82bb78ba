import type { TokenizerId } from "../model/governor.ts";
import { checkInterrupt } from "../model/interrupt.ts";
import type { TextIndex, Tokenizer } from "./contract.ts";
import type { PieceCounter } from "./bytePairCount.ts";
import { loadPieceCounter } from "./encodings.ts";
import { isAscii, O200kPieces, o200kPieceEnd } from "./o200kAscii.ts";
import { PieceMemo } from "./pieceMemo.ts";
import { nextCodePoint, searchFit } from "./codePoints.ts";

// The encodings' pre-tokenizer patterns, as tiktoken (and gpt-tokenizer 4.0) define them. BPE runs
// inside each piece, so a text's count is the sum of its pieces' counts: that is what makes
// memoizing per piece and prefix sums over a file's pieces exact.
const CONTRACTION = String.raw`'(?:[sS]|[dD]|[mM]|[tT]|[lL][lL]|[vV][eE]|[rR][eE])`;
/** The pre-tokenizer pattern of each encoding (used with flags "gu"). */
export const PATTERNS = {
  o200k: String.raw`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?:${CONTRACTION})?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?:${CONTRACTION})?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`,
  cl100k: String.raw`${CONTRACTION}|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s+$|\s*[\r\n]|\s+(?!\S)|\s`,
} as const;

/** Pieces longer than this are counted but not memoized (minified or generated text). */
const MEMO_MAX_PIECE = 64;
/** Bound on the memo so a long run cannot grow it without limit; counts stay exact either way. */
const MEMO_MAX_ENTRIES = 1 << 20;
/** A window longer than budget * this many UTF-16 units is never tried when cutting inside a line. */
const MAX_UNITS_PER_TOKEN = 32;
/** index() keeps its scratch arrays up to this many pieces (8 bytes each) between texts. */
const SCRATCH_KEEP = 1 << 20;
const EMPTY = new Int32Array(0);

function isSpaceCode(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || (c >= 0x80 && /\s/.test(String.fromCharCode(c)));
}

/** o200k / cl100k counted exactly (tiktoken's BPE over weft's rank tables), memoized per pre-tokenizer piece. */
export function bpeTokenizer(id: TokenizerId): Tokenizer {
  if (id !== "o200k" && id !== "cl100k") throw new Error(`not a BPE tokenizer: ${id}`);
  const split = new RegExp(PATTERNS[id], "gu");
  // The rank table loads on first use; special-token text (`<|endoftext|>`) counts as plain text.
  let counter: PieceCounter | undefined;
  const memo = new PieceMemo(
    (text, s, e) => (counter ??= loadPieceCounter(id)).countRange(text, s, e),
    MEMO_MAX_ENTRIES,
    MEMO_MAX_PIECE,
  );
  let scratchEnds = EMPTY;
  let scratchCum = EMPTY;

  // o200k: the hand-written scanner, the regex only near non-ASCII characters; cl100k: the regex.
  const pieces = id === "o200k" ? new O200kPieces(new RegExp(PATTERNS.o200k, "gu")) : undefined;

  /** End of the piece of text (of length n) starting at boundary p. */
  const pieceEnd = (text: string, p: number, n: number): number => {
    if (pieces) return pieces.next(p);
    split.lastIndex = p;
    // Every position starts a match (each character is a letter, digit, space or other).
    return split.test(text) ? split.lastIndex : n;
  };

  const count = (text: string): number => {
    const n = text.length;
    pieces?.reset(text);
    let total = 0;
    for (let p = 0; p < n;) {
      const e = pieceEnd(text, p, n);
      total += memo.count(text, p, e);
      p = e;
    }
    return total;
  };

  const index = (text: string): TextIndex => {
    // ends[i]: UTF-16 end of piece i; cum[i]: tokens in pieces 0..i.
    // Built in kept scratch arrays (a piece is a UTF-16 unit at least), then copied to their size.
    const n = text.length;
    if (scratchEnds.length < n) {
      scratchEnds = new Int32Array(Math.max(n, scratchEnds.length * 2));
      scratchCum = new Int32Array(scratchEnds.length);
    }
    const se = scratchEnds;
    const sc = scratchCum;
    let k = 0;
    let total = 0;
    pieces?.reset(text);
    for (let p = 0; p < n;) {
      const e = pieceEnd(text, p, n);
      total += memo.count(text, p, e);
      se[k] = e;
      sc[k] = total;
      k++;
      p = e;
      if ((k & 0xffff) === 0) checkInterrupt(); // about every 250 KB of text
    }
    // The index reads the scratch arrays in place (copying them cost a fifth of the indexing time)
    // and lends them until release(): an index() meanwhile allocates its own.
    let ends = se;
    let cum = sc;
    scratchEnds = EMPTY;
    scratchCum = EMPTY;
    let released = false;
    const live = (): void => {
      if (released) throw new Error("token index used after release()");
    };
    // Ranges that cut pieces are counted by rescanning only their edges (o200k, ASCII text).
    const edgeScan = pieces !== undefined && isAscii(text);
    /** Index of the piece ending exactly at p, -1 for p = 0, -2 when p is inside a piece. */
    const pieceEndingAt = (p: number): number => {
      if (p === 0) return -1;
      let a = 0;
      let b = k - 1;
      while (a <= b) {
        const mid = (a + b) >>> 1;
        const v = ends[mid]!;
        if (v === p) return mid;
        if (v < p) a = mid + 1;
        else b = mid - 1;
      }
      return -2;
    };
    /** First piece index whose end is > p. */
    const firstEndAfter = (p: number): number => {
      let a = 0;
      let b = k;
      while (a < b) {
        const mid = (a + b) >>> 1;
        if (ends[mid]! > p) b = mid;
        else a = mid + 1;
      }
      return a;
    };
    const rangeCount = (s: number, e: number): number => {
      live();
      if (e <= s) return 0;
      const i = pieceEndingAt(s);
      if (i !== -2) {
        const j = pieceEndingAt(e);
        // Both ends on piece boundaries: prefix sums are exact, except where the text ends inside
        // a run of whitespace, where the patterns' end-of-text lookahead may split it differently.
        if (j >= 0 && (e === text.length || !isSpaceCode(text.charCodeAt(e - 1)) || text.charCodeAt(e - 1) === 10)) {
          return cum[j]! - (i >= 0 ? cum[i]! : 0);
        }
      }
      return edgeScan ? edgeCount(s, e, i) : count(text.slice(s, e));
    };
    /**
     * Exact count of text[s, e) when an end cuts a piece: the slice's own pieces are scanned from
     * s until they meet a piece boundary of the file, and again from the last file boundary whose
     * piece the cut cannot change (at or before the last non-space character, three characters
     * clear of e: no piece there looked further); between the two, the prefix sums hold.
     */
    const edgeCount = (s: number, e: number, startPiece: number): number => {
      let n = 0;
      let p = s;
      let a = startPiece;
      while (a === -2 && p < e) {
        const m = o200kPieceEnd(text, p, e);
        n += memo.count(text, p, m);
        p = m;
        a = pieceEndingAt(p);
      }
      if (p >= e) return n;
      let q = e - 1;
      while (q >= p && isSpaceCode(text.charCodeAt(q))) q--;
      const b = firstEndAfter(Math.min(q, e - 3)) - 1; // last piece ending at or before that limit
      if (b > a && ends[b]! > p) {
        n += cum[b]! - (a >= 0 ? cum[a]! : 0);
        p = ends[b]!;
      }
      while (p < e) {
        const m = o200kPieceEnd(text, p, e);
        n += memo.count(text, p, m);
        p = m;
      }
      return n;
    };
    return {
      count: rangeCount,
      estimate(s, e) {
        live();
        // Whole pieces inside [s, e): the text's own split differs at most near its two ends.
        const i = firstEndAfter(s);
        const j = firstEndAfter(e) - 1;
        return j > i ? cum[j]! - cum[i]! : 0;
      },
      fitEnd(s, e, budget) {
        live();
        const cap = Math.min(e, s + budget * MAX_UNITS_PER_TOKEN);
        // First at piece boundaries: the cut then falls where the tokenizer itself would cut.
        const j0 = firstEndAfter(s);
        let lo = j0 - 1;
        let hi = firstEndAfter(cap) - 1; // last piece ending <= cap
        while (lo < hi) {
          const mid = (lo + hi + 1) >>> 1;
          if (rangeCount(s, ends[mid]!) <= budget) lo = mid;
          else hi = mid - 1;
        }
        if (lo >= j0) {
          const m = ends[lo]!;
          if (rangeCount(s, m) <= budget) {
            if (m < e && e <= cap && rangeCount(s, e) <= budget) return e;
            return m;
          }
        }
        // No whole piece fits (a huge piece, or s inside one): cut at a code point.
        const limit = Math.min(cap, j0 < k ? ends[j0]! : e, e);
        const m = searchFit(text, s, limit, (x) => rangeCount(s, x) <= budget);
        return m > s ? m : nextCodePoint(text, s);
      },
      release() {
        if (released) return;
        released = true;
        if (ends.length <= SCRATCH_KEEP && ends.length > scratchEnds.length) {
          scratchEnds = ends;
          scratchCum = cum;
        }
        ends = EMPTY;
        cum = EMPTY;
      },
    };
  };

  return { id, count, index };
}
