import { rankOf, type RankTable } from "./rankTable.ts";

/** Counts the BPE tokens of one pre-tokenizer piece. Holds scratch buffers: one per thread. */
export type PieceCounter = {
  /** Tokens in text[s, e), a whole piece, encoded as UTF-8 (a lone surrogate as U+FFFD). */
  countRange(text: string, s: number, e: number): number;
  /** Tokens in a whole piece given as a string. */
  countPiece(piece: string): number;
  /** Tokens in a piece given as UTF-8 bytes. */
  countBytes(bytes: Uint8Array): number;
};

const NONE = 0x7fffffff; // rank of a pair that is not a token (above every real rank)

/**
 * A counter over a rank table with tiktoken's merge rule (`_byte_pair_merge`): a piece that is a
 * token is 1; otherwise repeatedly merge the adjacent pair of parts whose joined bytes have the
 * lowest rank (leftmost on ties) until no joined pair is a token; the count is the parts left.
 * Lookups hash byte ranges of one scratch buffer, so a call allocates nothing once the buffers
 * have grown to the longest piece seen.
 */
export function pieceCounter(table: RankTable): PieceCounter {
  let buf = new Uint8Array(256);
  let starts = new Int32Array(257); // starts[i]: first byte of part i; starts[parts] = length
  let ranks = new Int32Array(257); // ranks[i]: rank of parts i and i + 1 joined, or NONE

  const grow = (n: number): void => {
    let size = buf.length;
    while (size < n) size *= 2;
    buf = new Uint8Array(size);
    starts = new Int32Array(size + 1);
    ranks = new Int32Array(size + 1);
  };

  const merge = (n: number): number => {
    if (n <= 1) return n;
    if (rankOf(table, buf, 0, n) >= 0) return 1;
    for (let i = 0; i <= n; i++) starts[i] = i;
    for (let i = 0; i < n - 1; i++) {
      const r = rankOf(table, buf, i, i + 2);
      ranks[i] = r < 0 ? NONE : r;
    }
    ranks[n - 1] = NONE;
    let parts = n;
    while (parts > 1) {
      let min = NONE;
      let at = -1;
      for (let i = 0; i < parts - 1; i++) {
        if (ranks[i]! < min) { min = ranks[i]!; at = i; }
      }
      if (at < 0) break;
      // Join parts at and at + 1: the pair at now spans up to the part after them, and so
      // does the pair before it.
      const r = at + 2 < parts ? rankOf(table, buf, starts[at]!, starts[at + 3]!) : -1;
      ranks[at] = r < 0 ? NONE : r;
      if (at > 0) {
        const q = rankOf(table, buf, starts[at - 1]!, starts[at + 2]!);
        ranks[at - 1] = q < 0 ? NONE : q;
      }
      starts.copyWithin(at + 1, at + 2, parts + 1);
      ranks.copyWithin(at + 1, at + 2, parts);
      parts--;
    }
    return parts;
  };

  const countRange = (text: string, s: number, e: number): number => {
    if (buf.length < (e - s) * 3) grow((e - s) * 3); // UTF-16 unit -> at most 3 UTF-8 bytes
    let n = 0;
    for (let i = s; i < e; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x80) {
        buf[n++] = c;
      } else if (c < 0x800) {
        buf[n++] = 0xc0 | (c >> 6);
        buf[n++] = 0x80 | (c & 63);
      } else if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < e ? text.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          buf[n++] = 0xf0 | (cp >> 18);
          buf[n++] = 0x80 | ((cp >> 12) & 63);
          buf[n++] = 0x80 | ((cp >> 6) & 63);
          buf[n++] = 0x80 | (cp & 63);
          i++;
        } else {
          // A lone surrogate has no UTF-8 form: U+FFFD, as TextEncoder (and tiktoken) write it.
          buf[n++] = 0xef;
          buf[n++] = 0xbf;
          buf[n++] = 0xbd;
        }
      } else {
        buf[n++] = 0xe0 | (c >> 12);
        buf[n++] = 0x80 | ((c >> 6) & 63);
        buf[n++] = 0x80 | (c & 63);
      }
    }
    return merge(n);
  };

  return {
    countRange,
    countPiece: (piece) => countRange(piece, 0, piece.length),
    countBytes(bytes) {
      if (buf.length < bytes.length) grow(bytes.length);
      buf.set(bytes);
      return merge(bytes.length);
    },
  };
}
